/**
 * Who may file proposals, and for whom: a resident for themselves, and the staff roles of
 * `proposal.fileOnBehalf` for residents of the households their role covers.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { buildingScope, can, canSomewhere, type Actor } from '$lib/server/authz';
import { building, estate, household, resident } from '$lib/server/db/schema';

export function mayFileOnBehalf(actor: Actor | null): boolean {
	return canSomewhere(actor, 'proposal.fileOnBehalf');
}

export function mayFileOwn(actor: Actor | null): boolean {
	return !!actor?.home && can(actor, 'proposal.file', actor.home);
}

export function mayFile(_db: Db, actor: Actor | null): boolean {
	return mayFileOwn(actor) || mayFileOnBehalf(actor);
}

export type PlaceOption = { id: number; name: string; estateId: number | null; estateName: string | null };

/** Buildings of the community with the residents this actor may file for, grouped by building. */
export function behalfResidents(db: Db, actor: Actor) {
	const rows = db
		.select({
			residentId: resident.id,
			name: resident.name,
			unit: household.unit,
			householdId: household.id,
			householdGroupId: household.householdGroupId,
			buildingId: building.id,
			buildingName: building.name,
			estateId: building.estateId,
			estateName: estate.name
		})
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.leftJoin(estate, eq(building.estateId, estate.id))
		.where(eq(building.communityId, actor.communityId))
		.orderBy(asc(estate.name), asc(building.name), asc(household.unit), asc(resident.id))
		.all();
	// One building scope per building; a household's scope adds only its own ids to it.
	const scopes = new Map<number, ReturnType<typeof buildingScope>>();
	const allowed = rows.filter((r) => {
		let bs = scopes.get(r.buildingId);
		if (!bs) scopes.set(r.buildingId, (bs = buildingScope(db, r.buildingId)));
		return can(actor, 'proposal.fileOnBehalf', {
			...bs,
			level: 'household',
			householdId: r.householdId,
			householdGroupId: r.householdGroupId
		});
	});
	const buildings = new Map<number, PlaceOption>();
	for (const r of allowed)
		buildings.set(r.buildingId, {
			id: r.buildingId,
			name: r.buildingName,
			estateId: r.estateId,
			estateName: r.estateName
		});
	return { buildings: [...buildings.values()], residents: allowed };
}

export function buildingOption(db: Db, buildingId: number): PlaceOption | undefined {
	return db
		.select({ id: building.id, name: building.name, estateId: building.estateId, estateName: estate.name })
		.from(building)
		.leftJoin(estate, eq(building.estateId, estate.id))
		.where(eq(building.id, buildingId))
		.get();
}
