import { communityName as nameOfCommunity, residentHome } from '$lib/server/domain/roster-queries';
import { listMeetingsFor } from '$lib/server/domain/meetings';
import { canSomewhere } from '$lib/server/authz';
import type { PageServerLoad } from './$types';

/** The home page routes each role to its work; a resident sees where they belong. */
export const load: PageServerLoad = ({ locals }) => {
	const actor = locals.actor;
	if (!actor) return { home: null, communityName: null, live: [], links: null };
	const { db } = locals.services;
	const communityName = nameOfCommunity(db, actor.communityId);
	let home: { building: string; unit: string } | null = null;
	if (locals.user?.residentId) {
		const h = residentHome(db, locals.user.residentId);
		home = h && { building: h.building, unit: h.unit };
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
