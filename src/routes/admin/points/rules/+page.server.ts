import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { can, communityScope } from '$lib/server/authz';
import { addPointRule, listPointRules, updatePointRule } from '$lib/server/domain/points-rules';
import { errorMessage } from '$lib/i18n';
import { act, id, text64 } from '$lib/server/form-actions';
import { optionalPoints, points } from '../points.server';
import type { Actions, PageServerLoad } from './$types';

/** 积分规则: the community admin edits amounts, caps and the seconding threshold, and adds items. */
export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	const actor = locals.actor!;
	if (!can(actor, 'points.manage', communityScope(actor.communityId)))
		error(403, { message: errorMessage('FORBIDDEN'), code: 'FORBIDDEN' });
	return { rules: listPointRules(locals.services.db, actor) };
};

const checkbox = v.pipe(
	v.optional(v.string(), ''),
	v.transform((s) => s === 'on')
);

export const actions: Actions = {
	update: (e) =>
		act(
			e,
			v.object({
				ruleId: id,
				amount: points,
				yearlyCap: optionalPoints,
				threshold: optionalPoints,
				active: checkbox
			}),
			(db, actor, input) => updatePointRule(db, actor, input),
			'saved'
		),
	add: (e) =>
		act(
			e,
			v.object({
				kind: v.picklist(['volunteer', 'negative']),
				label: text64,
				amount: points,
				yearlyCap: optionalPoints
			}),
			(db, actor, input) => addPointRule(db, actor, input),
			'created'
		)
};
