import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { errorMessage } from '$lib/i18n';
import { readConfig } from '$lib/server/config';
import { sendDispatch } from '$lib/server/domain/dispatches';
import { assignFollowUp, reportProgress, requireReporter } from '$lib/server/domain/follow-ups';
import { rateFollowUp } from '$lib/server/domain/ratings';
import { formValues, parseForm, runAction } from '$lib/server/forms';
import { removePhotos, storePhotos } from '$lib/server/photos';
import { failed, orError } from '$lib/server/form-actions';
import { followUpPage } from '$lib/server/domain/follow-up-page';
import type { Actions, PageServerLoad } from './$types';

const Id = v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));
const optionalId = v.pipe(
	v.optional(v.string(), ''),
	v.regex(/^(?:[1-9]\d{0,14})?$/),
	v.transform((s) => (s ? Number(s) : null))
);
const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const day = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/));

function followUpId(params: { id: string }) {
	const id = v.safeParse(Id, params.id);
	if (!id.success) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	return id.output;
}

export const load: PageServerLoad = ({ locals, params }) =>
	orError(() => followUpPage(locals.services.db, locals.actor, followUpId(params)));

/** Parses a form, runs the domain call, and answers which form succeeded. */
async function run<S extends v.GenericSchema>(
	request: Request,
	schema: S,
	call: (input: v.InferOutput<S>) => unknown,
	done: string
) {
	const data = await request.formData();
	const parsed = parseForm(schema, data);
	if (!parsed.ok) return parsed.failure;
	const result = await runAction(() => call(parsed.output), formValues(data));
	if (failed(result)) return result;
	return { done, form: String(data.get('form') ?? '') };
}

export const actions: Actions = {
	assign: ({ request, locals, params }) =>
		run(
			request,
			v.object({
				kind: v.picklist(['person', 'department']),
				ownerUserId: optionalId,
				ownerDepartmentId: optionalId,
				dueOn: day
			}),
			(i) =>
				assignFollowUp(locals.services.db, locals.actor, {
					followUpId: followUpId(params),
					ownerUserId: i.kind === 'person' ? i.ownerUserId : null,
					ownerDepartmentId: i.kind === 'department' ? i.ownerDepartmentId : null,
					dueOn: i.dueOn
				}),
			'assigned'
		),
	/** Photos are checked and re-encoded first; if the report is then refused they are removed again. */
	report: async ({ request, locals, params }) => {
		const data = await request.formData();
		const parsed = parseForm(
			v.object({
				text: text(2000),
				percent: v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number)),
				done: v.optional(v.string())
			}),
			data
		);
		if (!parsed.ok) return parsed.failure;
		const files = data.getAll('photos').filter((f): f is File => f instanceof File && f.size > 0);
		const dir = readConfig().uploadsDir;
		// Nobody but the owner gets the server to decode images.
		const allowed = await runAction(
			() => requireReporter(locals.services.db, locals.actor, followUpId(params)),
			formValues(data)
		);
		if (failed(allowed)) return allowed;
		const stored = await runAction(
			async () =>
				storePhotos(dir, await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())))),
			formValues(data)
		);
		if (failed(stored)) return stored;
		const { text: body, percent, done } = parsed.output;
		const result = await runAction(
			() =>
				reportProgress(
					locals.services.db,
					locals.actor,
					{ followUpId: followUpId(params), text: body, percent, done: done === 'on' },
					stored
				),
			formValues(data)
		);
		if (failed(result)) {
			await removePhotos(dir, stored);
			return result;
		}
		return { done: 'reported', form: 'report' };
	},
	rate: ({ request, locals, params }) =>
		run(
			request,
			v.object({
				grade: v.picklist(['satisfied', 'basic', 'unsatisfied']),
				comment: v.optional(v.pipe(v.string(), v.maxLength(500)), '')
			}),
			(i) => rateFollowUp(locals.services.db, locals.actor, { followUpId: followUpId(params), ...i }),
			'rated'
		),
	dispatch: ({ request, locals }) =>
		run(
			request,
			v.object({
				resolutionId: Id,
				departmentId: Id,
				message: text(2000),
				deadline: v.pipe(
					day,
					v.transform((d) => new Date(`${d}T23:59:59+08:00`))
				)
			}),
			(i) => sendDispatch(locals.services.db, locals.actor, i),
			'dispatched'
		)
};
