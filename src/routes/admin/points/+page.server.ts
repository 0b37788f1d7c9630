import * as v from 'valibot';
import { can, communityScope } from '$lib/server/authz';
import { formValues, parseForm, runAction } from '$lib/server/forms';
import { grantBasePoints, pointsYear, recordPointEntry, redeemPoints } from '$lib/server/domain/points';
import { listPointRules } from '$lib/server/domain/points-rules';
import { buildingRanking, pointsStandings, standingsReach } from '$lib/server/domain/points-views';
import { buildingNames } from '$lib/server/domain/roster-queries';
import { act, failed, id, orError } from '$lib/server/form-actions';
import { note, optionalPoints, points, requestKey } from './points.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * 积分管理: standings of the buildings the staff member reaches, and the forms to record volunteer
 * work, the negative list and redemptions. Every domain call authorizes 'points.record' on the
 * resident's household itself.
 */
export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	const { db } = locals.services;
	return orError(() => {
		const reach = standingsReach(db, locals.actor);
		const wanted = Number(url.searchParams.get('building')) || null;
		const selected =
			wanted && reach.buildingIds.includes(wanted) ? wanted : reach.community ? null : reach.buildingIds[0];
		const buildings = buildingNames(db, reach.buildingIds);
		return {
			reachAll: reach.community,
			buildings,
			selected,
			standings: pointsStandings(db, locals.actor, { buildingId: selected }),
			ranking: buildingRanking(db, locals.actor),
			rules: listPointRules(db, locals.actor).filter(
				(r) => r.active && (r.kind === 'volunteer' || r.kind === 'negative')
			),
			manage: can(locals.actor, 'points.manage', communityScope(locals.actor!.communityId)),
			year: pointsYear(Date.now()),
			// A fresh key each time the page is shown (it loads again after every action).
			requestKey: crypto.randomUUID()
		};
	});
};

export const actions: Actions = {
	record: (e) =>
		act(
			e,
			v.object({ residentId: id, ruleId: id, amount: optionalPoints, note, requestKey }),
			(db, actor, input) => recordPointEntry(db, actor, input),
			'created'
		),
	redeem: (e) =>
		act(
			e,
			v.object({ residentId: id, points, goods: note, requestKey }),
			(db, actor, input) => redeemPoints(db, actor, input),
			'created'
		),
	grantBase: async ({ request, locals }) => {
		const data = await request.formData();
		const parsed = parseForm(v.object({ form: v.string() }), data);
		if (!parsed.ok) return parsed.failure;
		const values = formValues(data);
		const result = await runAction(() => grantBasePoints(locals.services.db, locals.actor), values);
		if (failed(result)) return result;
		return { done: 'created', form: 'base', granted: result };
	}
};
