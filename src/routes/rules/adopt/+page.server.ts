import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { listMeetingsFor } from '$lib/server/domain/meetings';
import { adoptedClauses, publishable, publishRules, putRulesToVote } from '$lib/server/domain/rules-adoption';
import { formValues, parseForm, runAction } from '$lib/server/forms';
import { failed, orError } from '$lib/server/form-actions';
import { ms, rulesContext } from '../rules.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) =>
	orError(() => {
		const { db } = locals.services;
		const ctx = rulesContext(locals.services.docs, locals.actor);
		const adopted = adoptedClauses(db, ctx.communityId);
		return {
			canEdit: ctx.canEdit,
			// Each clause: adopted as it reads now, adopted but changed since, or not voted yet.
			clauses: ctx.draft.items
				.filter((i) => i.kind === 'clause')
				.map((i) => {
					const a = adopted.get(i.id);
					const status = !a ? 'pending' : a.text === i.text ? 'adopted' : 'changedSince';
					return { id: i.id, label: i.label, text: i.text, status, resolutionId: a?.resolutionId ?? null };
				}),
			meetings: listMeetingsFor(db, locals.actor, { status: 'live' })
				.filter((m) => m.canManage)
				.map((m) => ({ id: m.id, title: m.title })),
			publishable: ctx.canEdit
				? publishable(db, ctx.communityId).map((p) => ({ ...p, decidedAt: ms(p.decidedAt) }))
				: []
		};
	});

const Id = v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));
const Vote = v.object({ meetingId: Id, scope: v.picklist(['whole', 'some']) });
const Publish = v.object({
	resolutionId: Id,
	effectiveFrom: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/))
});

export const actions: Actions = {
	vote: async ({ request, locals }) => {
		const data = await request.formData();
		const parsed = parseForm(Vote, data);
		if (!parsed.ok) return parsed.failure;
		const { meetingId, scope } = parsed.output;
		const clauseIds = scope === 'whole' ? null : data.getAll('clauseIds').map(String);
		const result = await runAction(
			() => putRulesToVote(locals.services.db, locals.services.docs, locals.actor, { meetingId, clauseIds }),
			formValues(data)
		);
		if (failed(result)) return result;
		redirect(303, `/m/${meetingId}/console`);
	},
	publish: async ({ request, locals }) => {
		const data = await request.formData();
		const parsed = parseForm(Publish, data);
		if (!parsed.ok) return parsed.failure;
		const result = await runAction(
			() => publishRules(locals.services.db, locals.actor, parsed.output),
			formValues(data)
		);
		if (failed(result)) return result;
		redirect(303, `/rules/published/${result}`);
	}
};
