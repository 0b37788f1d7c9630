import { redirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { useDb } from '$lib/server/db';
import { canSomewhere } from '$lib/server/authz';
import { building, household, resident } from '$lib/server/db/schema';
import { listPointRules } from '$lib/server/domain/points-rules';
import { buildingRanking, myPoints } from '$lib/server/domain/points-views';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

/** 我的积分: a resident's balance and history; every member sees the rules and the building ranking. */
export const load: PageServerLoad = ({ locals }) => {
	const actor = locals.actor;
	if (!actor) redirect(303, '/login');
	const db = useDb();
	return orError(() => {
		const mine = actor.residentId ? myPoints(db, actor) : null;
		const myBuilding = actor.residentId
			? (db
					.select({ id: building.id })
					.from(resident)
					.innerJoin(household, eq(resident.householdId, household.id))
					.innerJoin(building, eq(household.buildingId, building.id))
					.where(eq(resident.id, actor.residentId))
					.get()?.id ?? null)
			: null;
		return {
			mine,
			myBuilding,
			ranking: buildingRanking(db, actor),
			rules: listPointRules(db, actor).filter((r) => r.active),
			staff: canSomewhere(actor, 'points.record')
		};
	});
};
