import * as v from 'valibot';
import { communityBuildings } from '$lib/server/domain/roster-queries';
import { PROPOSAL_CATEGORIES, PROPOSAL_STATUSES } from '$lib/server/domain/vocabulary';
import { listProposals, type ProposalFilter } from '$lib/server/domain/proposals';
import { mayFile } from '$lib/server/domain/filing';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

/** Filters come from the query string; anything unknown is ignored rather than an error. */
const FilterSchema = v.object({
	status: v.fallback(v.optional(v.picklist(PROPOSAL_STATUSES)), undefined),
	category: v.fallback(v.optional(v.picklist(PROPOSAL_CATEGORIES)), undefined),
	building: v.fallback(
		v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number))),
		undefined
	),
	sort: v.fallback(v.optional(v.picklist(['newest', 'seconds'])), undefined)
});

export const load: PageServerLoad = ({ locals, url }) => {
	const { db } = locals.services;
	const actor = locals.actor;
	const q = v.parse(FilterSchema, Object.fromEntries(url.searchParams));
	const filter: ProposalFilter = {
		status: q.status,
		category: q.category,
		buildingId: q.building,
		sort: q.sort ?? 'newest'
	};
	const proposals = orError(() => listProposals(db, actor, filter));
	const buildings = communityBuildings(db, actor!.communityId);
	return {
		proposals: proposals.map((p) => ({ ...p, createdAt: p.createdAt.getTime() })),
		buildings,
		filter: {
			status: q.status ?? '',
			category: q.category ?? '',
			building: q.building ?? '',
			sort: filter.sort
		},
		statuses: PROPOSAL_STATUSES,
		categories: PROPOSAL_CATEGORIES,
		mayFile: mayFile(db, actor)
	};
};
