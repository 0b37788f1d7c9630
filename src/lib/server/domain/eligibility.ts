/**
 * Who takes part in a meeting: the adult residents whose home lies in the meeting's scope, counted
 * by the meeting's voting unit (one per household, or one per resident). Quorum is "more than half".
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { building, grid, household, resident, type VotingUnit } from '../db/schema';

export type MeetingPlace = {
	communityId: number;
	scopeType: 'building' | 'estate' | 'grid' | 'community';
	scopeId: number;
};
export type Participant = {
	residentId: number;
	householdId: number;
	name: string;
	unit: string;
	buildingName: string;
	householdRepresentative: boolean;
	villagerRepresentative: boolean;
};

/**
 * Voting age is 18: by the birth year, and a resident with none is taken as an adult. The roster's
 * flag can say "not adult", or "adult" for someone without a birth year.
 */
export function isAdult(birthYear: number | null, at: Date, flag: boolean | null = null): boolean {
	const byYear = birthYear === null || at.getUTCFullYear() - birthYear >= 18;
	// The flag fills in for a missing birth year or says "not adult"; it never gives a minor a vote.
	if (flag === null) return byYear;
	return flag && (birthYear === null || byYear);
}

/** How many units a set of residents makes: distinct households, or residents. */
export function countUnits(
	people: Array<{ residentId: number; householdId: number }>,
	unit: VotingUnit
): number {
	return unit === 'household' ? new Set(people.map((p) => p.householdId)).size : people.length;
}

/** Strictly more than half (过半数): 2 of 4 is not a quorum, 3 of 4 is; nothing eligible means no quorum. */
export function quorumReached(present: number, eligible: number): boolean {
	return eligible > 0 && present * 2 > eligible;
}

function gridAndBelow(db: Db, communityId: number, gridId: number): number[] {
	const all = db
		.select({ id: grid.id, parent: grid.parentGridId })
		.from(grid)
		.where(eq(grid.communityId, communityId))
		.all();
	const ids = [gridId];
	for (let i = 0; i < ids.length; i++)
		for (const g of all) if (g.parent === ids[i] && !ids.includes(g.id)) ids.push(g.id);
	return ids;
}

/** The buildings of a meeting's scope, as a condition on `building`. */
export function inPlace(db: Db, place: MeetingPlace) {
	const where =
		place.scopeType === 'building'
			? eq(building.id, place.scopeId)
			: place.scopeType === 'estate'
				? eq(building.estateId, place.scopeId)
				: place.scopeType === 'grid'
					? inArray(building.gridId, gridAndBelow(db, place.communityId, place.scopeId))
					: eq(building.communityId, place.scopeId);
	return and(eq(building.communityId, place.communityId), where);
}

/** Every adult resident of the meeting's scope, as of the meeting's date. */
export function eligibleParticipants(db: Db, place: MeetingPlace, at: Date): Participant[] {
	return db
		.select({
			residentId: resident.id,
			householdId: household.id,
			name: resident.name,
			unit: household.unit,
			buildingName: building.name,
			householdRepresentative: resident.householdRepresentative,
			villagerRepresentative: resident.villagerRepresentative,
			birthYear: resident.birthYear,
			adult: resident.adult
		})
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(inPlace(db, place))
		.orderBy(building.name, household.unit, resident.id)
		.all()
		.filter((p) => isAdult(p.birthYear, at, p.adult))
		.map(({ birthYear: _b, adult: _a, ...p }) => p);
}
