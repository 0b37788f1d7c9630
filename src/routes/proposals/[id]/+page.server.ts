import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { useDb } from '$lib/server/db';
import { building, estate, meeting, proposal, user } from '$lib/server/db/schema';
import { can } from '$lib/server/authz';
import { getYjs } from '$lib/server/realtime';
import { addProposalToAgenda } from '$lib/server/domain/agenda';
import { meetingScope } from '$lib/server/domain/meetings';
import { declineProposal, mergeProposal, proposalDetail, secondProposal } from '$lib/server/domain/proposals';
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

export const load: PageServerLoad = ({ locals, params }) => {
	const db = useDb();
	const actor = locals.actor;
	const id = proposalId(params);
	const detail = orError(() => proposalDetail(db, actor, id));
	const p = detail.proposal;
	const filer = detail.onBehalf
		? db.select({ name: user.displayName }).from(user).where(eq(user.id, p.filedByUserId)).get()
		: undefined;
	const about = p.buildingId
		? db.select({ name: building.name }).from(building).where(eq(building.id, p.buildingId)).get()?.name
		: p.estateId
			? db.select({ name: estate.name }).from(estate).where(eq(estate.id, p.estateId)).get()?.name
			: undefined;
	const mergedInto = p.mergedIntoId
		? db
				.select({ id: proposal.id, title: proposal.title })
				.from(proposal)
				.where(eq(proposal.id, p.mergedIntoId))
				.get()
		: undefined;
	let manage = null;
	if (detail.mayManage) {
		const mergeTargets = db
			.select({ id: proposal.id, title: proposal.title })
			.from(proposal)
			.where(
				and(
					eq(proposal.communityId, p.communityId),
					inArray(proposal.status, ['open', 'onAgenda']),
					ne(proposal.id, p.id)
				)
			)
			.orderBy(desc(proposal.id))
			.limit(200)
			.all();
		const meetings = db
			.select()
			.from(meeting)
			.where(and(eq(meeting.communityId, p.communityId), inArray(meeting.status, ['draft', 'live'])))
			.orderBy(meeting.startsAt)
			.all()
			.filter((m) => can(actor, 'meeting.manage', meetingScope(db, m)))
			.map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt.getTime(), status: m.status }));
		manage = { mergeTargets, meetings };
	}
	return {
		proposal: {
			id: p.id,
			title: p.title,
			description: p.description,
			category: p.category,
			status: p.status,
			secondCount: p.secondCount,
			declineReason: p.declineReason,
			createdAt: p.createdAt.getTime(),
			isEstate: !p.buildingId
		},
		about: about ?? null,
		proposer: detail.proposer?.name ?? '',
		filer: filer?.name ?? null,
		mergedInto: mergedInto ?? null,
		seconded: detail.seconded,
		maySecond: detail.maySecond,
		manage
	};
};

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
	second: (e) => act(e, v.object({}), (_i, id) => secondProposal(useDb(), e.locals.actor, id), 'seconded'),
	decline: (e) =>
		act(
			e,
			v.object({ reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)) }),
			({ reason }, id) => declineProposal(useDb(), e.locals.actor, id, reason),
			'declined'
		),
	merge: (e) =>
		act(
			e,
			v.object({ intoId: idString }),
			({ intoId }, id) => mergeProposal(useDb(), e.locals.actor, id, intoId),
			'merged'
		),
	agenda: async (e) => {
		const result = await act(
			e,
			v.object({ meetingId: idString }),
			({ meetingId }, id) => addProposalToAgenda(useDb(), getYjs(), e.locals.actor, meetingId, id),
			'agenda'
		);
		if (failed(result)) return result;
		redirect(303, `/proposals/${proposalId(e.params)}`);
	}
};
