import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { addProposalToAgenda } from '$lib/server/domain/agenda';
import { proposalPage } from '$lib/server/domain/proposal-page';
import { declineProposal, mergeProposal, secondProposal } from '$lib/server/domain/proposals';
import { formValues, parseForm, runAction } from '$lib/server/forms';
import { errorMessage } from '$lib/i18n';
import { failed, orError } from '$lib/server/form-actions';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const idString = v.pipe(v.string(), v.trim(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));

function proposalId(params: { id: string }): number {
	const id = v.safeParse(idString, params.id);
	if (!id.success) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	return id.output;
}

export const load: PageServerLoad = ({ locals, params }) =>
	orError(() => proposalPage(locals.services.db, locals.services.docs, locals.actor, proposalId(params)));

/** Parses, runs the domain call; the page reloads its data, `done` says what happened. */
async function act<S extends v.GenericSchema>(
	event: RequestEvent,
	schema: S,
	run: (input: v.InferOutput<S>, id: number) => unknown,
	done: string
) {
	const data = await event.request.formData();
	const parsed = parseForm(schema, data);
	if (!parsed.ok) return parsed.failure;
	const id = proposalId(event.params);
	const result = await runAction(() => run(parsed.output, id), formValues(data));
	if (failed(result)) return result;
	return { done };
}

export const actions: Actions = {
	second: (e) =>
		act(e, v.object({}), (_i, id) => secondProposal(e.locals.services.db, e.locals.actor, id), 'seconded'),
	decline: (e) =>
		act(
			e,
			v.object({ reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)) }),
			({ reason }, id) => declineProposal(e.locals.services.db, e.locals.actor, id, reason),
			'declined'
		),
	merge: (e) =>
		act(
			e,
			v.object({ intoId: idString }),
			({ intoId }, id) => mergeProposal(e.locals.services.db, e.locals.actor, id, intoId),
			'merged'
		),
	agenda: async (e) => {
		const result = await act(
			e,
			v.object({ meetingId: idString }),
			({ meetingId }, id) =>
				addProposalToAgenda(e.locals.services.db, e.locals.services.docs, e.locals.actor, meetingId, id),
			'agenda'
		);
		if (failed(result)) return result;
		redirect(303, `/proposals/${proposalId(e.params)}`);
	}
};
