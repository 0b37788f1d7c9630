import { redirect } from '@sveltejs/kit';
import { canSomewhere } from '$lib/server/authz';
import { listPointRules } from '$lib/server/domain/points-rules';
import { buildingRanking, myPoints } from '$lib/server/domain/points-views';
import { residentHome } from '$lib/server/domain/roster-queries';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

/** 我的积分: a resident's balance and history; every member sees the rules and the building ranking. */
export const load: PageServerLoad = ({ locals }) => {
	const actor = locals.actor;
	if (!actor) redirect(303, '/login');
	const { db } = locals.services;
	return orError(() => {
		const mine = actor.residentId ? myPoints(db, actor) : null;
		const myBuilding = actor.residentId ? (residentHome(db, actor.residentId)?.buildingId ?? null) : null;
		return {
			mine,
			myBuilding,
			ranking: buildingRanking(db, actor),
			rules: listPointRules(db, actor).filter((r) => r.active),
			staff: canSomewhere(actor, 'points.record')
		};
	});
};
