/**
 * Helpers for form actions: parse FormData against a schema, and turn a domain error into a
 * `fail()` with a coded message the page shows in the user's language.
 */
import { fail, type ActionFailure } from '@sveltejs/kit';
import * as v from 'valibot';
import { isDomainError } from './domain/errors';
import { httpStatus } from './http-status';

export type FormFailure = {
	code: string;
	field?: string;
	values?: Record<string, string>;
	details?: unknown;
};

export function formValues(data: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [k, val] of data) if (typeof val === 'string') values[k] = val;
	return values;
}

/** Parses text fields of a form; on failure returns `fail(400)` with the first bad field. */
export function parseForm<S extends v.GenericSchema>(
	schema: S,
	data: FormData
): { ok: true; output: v.InferOutput<S> } | { ok: false; failure: ActionFailure<FormFailure> } {
	const values = formValues(data);
	const result = v.safeParse(schema, values);
	if (result.success) return { ok: true, output: result.output };
	const field = result.issues[0]?.path?.[0]?.key;
	return {
		ok: false,
		failure: fail(400, {
			code: 'INVALID_INPUT',
			field: typeof field === 'string' ? field : undefined,
			values: withoutSecrets(values)
		})
	};
}

function withoutSecrets(values: Record<string, string>) {
	const { password: _p, ...rest } = values;
	return rest;
}

/** Runs a domain call; domain errors become `fail(4xx)`, anything else is rethrown (SvelteKit logs it). */
export async function runAction<T>(
	run: () => T | Promise<T>,
	values?: Record<string, string>
): Promise<T | ActionFailure<FormFailure>> {
	try {
		return await run();
	} catch (e) {
		if (!isDomainError(e)) throw e;
		return fail(httpStatus(e.code), {
			code: e.code,
			details: e.details,
			values: values && withoutSecrets(values)
		});
	}
}
