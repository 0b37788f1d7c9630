/**
 * What form actions and loads share: field schemas, and the one shape of an action (parse →
 * domain call → say which form succeeded). Each form posts a hidden `form` id so the page can show
 * the outcome next to the form that was sent, not at the top of a long page.
 */
import { error, isActionFailure, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Db } from '$lib/server/db';
import type { Actor } from '$lib/server/authz';
import { isDomainError } from '$lib/server/domain/errors';
import { formValues, parseForm, runAction, type FormFailure } from '$lib/server/forms';
import { httpStatus } from '$lib/server/http-status';
import { errorMessage } from '$lib/i18n';

export const text64 = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64));
export const id = v.pipe(v.string(), v.trim(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));
/** An empty select means "none". */
export const optionalId = v.pipe(
	v.optional(v.string(), ''),
	v.trim(),
	v.regex(/^(?:[1-9]\d{0,14})?$/),
	v.transform((s) => (s ? Number(s) : null))
);

// Same rules as the roster import: a mobile number (+86 allowed) or a landline with optional area code.
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^(?:0\d{2,3}-?)?\d{7,8}(?:-\d{1,6})?$/;
export const phone = v.pipe(
	v.optional(v.string(), ''),
	v.transform((s) =>
		s
			.normalize('NFKC')
			.replace(/\s+/g, '')
			.replace(/^\+?86-?(?=1\d{10}$)/, '')
	),
	v.check((s) => s === '' || MOBILE.test(s) || (!/^1\d{10}$/.test(s) && LANDLINE.test(s))),
	v.transform((s) => s || null)
);
export const birthYear = v.pipe(
	v.optional(v.string(), ''),
	v.transform((s) => s.normalize('NFKC').trim()),
	v.check((s) => s === '' || (/^\d{4}$/.test(s) && +s >= 1900 && +s <= new Date().getFullYear())),
	v.transform((s) => (s ? Number(s) : null))
);

/** Narrows runAction's result (SvelteKit's own guard does not narrow a typed ActionFailure). */
export function failed<T>(result: T | ActionFailure<FormFailure>): result is ActionFailure<FormFailure> {
	return isActionFailure(result);
}

export type Done = 'created' | 'saved' | 'deleted';

/** Parses the form, runs the domain call, and answers `{ done, form }` or a coded `fail()`. */
export async function act<S extends v.GenericSchema>(
	event: RequestEvent,
	schema: S,
	run: (db: Db, actor: Actor | null, input: v.InferOutput<S>) => unknown,
	done: Done
) {
	const data = await event.request.formData();
	const parsed = parseForm(schema, data);
	if (!parsed.ok) return parsed.failure;
	const values = formValues(data);
	const { db } = event.locals.services;
	const result = await runAction(() => run(db, event.locals.actor, parsed.output), values);
	if (isActionFailure(result)) return result;
	return { done, form: values.form ?? '' };
}

/** For loads: a domain error becomes an error page in the user's language. */
export function orError<T>(run: () => T): T {
	try {
		return run();
	} catch (e) {
		if (!isDomainError(e)) throw e;
		error(httpStatus(e.code), { message: errorMessage(e.code), code: e.code });
	}
}
