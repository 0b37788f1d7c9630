import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { errorMessage } from '$lib/i18n';
import { can, communityScope, departmentScope } from '$lib/server/authz';
import { dispatchView, liaisonStep, provideInfo, stepsFor } from '$lib/server/domain/dispatches';
import { formValues, parseForm, runAction } from '$lib/server/forms';
import { failed, orError } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

const Id = v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));
const dispatchId = (params: { id: string }) => {
	const id = v.safeParse(Id, params.id);
	if (!id.success) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	return id.output;
};

export const load: PageServerLoad = ({ locals, params }) =>
	orError(() => {
		const d = dispatchView(locals.services.db, locals.actor, dispatchId(params));
		return {
			dispatch: {
				id: d.id,
				departmentName: d.departmentName,
				message: d.message,
				status: d.status,
				overdue: d.overdue,
				deadline: d.deadline.getTime(),
				proposalId: d.proposalId,
				resolutionId: d.resolutionId
			},
			timeline: d.timeline.map((e) => ({ ...e, at: e.at.getTime() })),
			steps: stepsFor(d, {
				liaison: can(locals.actor, 'dispatch.handle', departmentScope(d.communityId, d.departmentId)),
				sender: can(locals.actor, 'dispatch.send', communityScope(d.communityId))
			})
		};
	});

const Step = v.object({
	step: v.picklist(['accept', 'reply', 'askInfo', 'handle', 'info']),
	text: v.optional(v.pipe(v.string(), v.maxLength(2000)), '')
});

export const actions: Actions = {
	default: async ({ request, locals, params }) => {
		const data = await request.formData();
		const parsed = parseForm(Step, data);
		if (!parsed.ok) return parsed.failure;
		const id = dispatchId(params);
		const { step, text } = parsed.output;
		const result = await runAction(
			() =>
				step === 'info'
					? provideInfo(locals.services.db, locals.actor, { dispatchId: id, text })
					: liaisonStep(locals.services.db, locals.actor, { dispatchId: id, step, text }),
			formValues(data)
		);
		if (failed(result)) return result;
		return { done: step };
	}
};
