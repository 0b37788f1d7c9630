import { eq } from 'drizzle-orm';
import { useDb } from '$lib/server/db';
import { building, community, household, resident } from '$lib/server/db/schema';
import { listMeetingsFor } from '$lib/server/domain/meetings';
import { canSomewhere } from '$lib/server/authz';
import type { PageServerLoad } from './$types';

/** The home page routes each role to its work; a resident sees where they belong. */
export const load: PageServerLoad = ({ locals }) => {
	const actor = locals.actor;
	if (!actor) return { home: null, communityName: null, live: [], links: null };
	const db = useDb();
	const communityName =
		db.select({ name: community.name }).from(community).where(eq(community.id, actor.communityId)).get()
			?.name ?? '';
	let home: { building: string; unit: string } | null = null;
	if (locals.user?.residentId) {
		home =
			db
				.select({ building: building.name, unit: household.unit })
				.from(resident)
				.innerJoin(household, eq(resident.householdId, household.id))
				.innerJoin(building, eq(household.buildingId, building.id))
				.where(eq(resident.id, locals.user.residentId))
				.get() ?? null;
	}
	const live = listMeetingsFor(db, actor, { status: 'live' }).map((m) => ({
		id: m.id,
		title: m.title,
		place: m.place
	}));
	// The public notice board is every member's; the dashboard only for roles that may view it.
	const links = { communityId: actor.communityId, dashboard: canSomewhere(actor, 'dashboard.view') };
	return { home, communityName, live, links };
};
