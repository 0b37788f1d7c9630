/**
 * Reading the roster: counts for the overview, places with what hangs below them, a building's
 * households, household groups with their members. Anyone who may view the community's roster
 * may read these.
 */
import { and, asc, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db';
import { authorize, communityScope, type Actor } from '../authz';
import {
	building,
	community,
	department,
	estate,
	grid,
	household,
	householdGroup,
	resident,
	user
} from '../db/schema';
import { DomainError } from './errors';
import { byName, NAMED, requireInCommunity } from './roster';

function rosterViewer(actor: Actor | null): Actor {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	return authorize(actor, 'roster.view', communityScope(actor.communityId));
}

export function countRoster(db: Db, actor: Actor | null) {
	const c = rosterViewer(actor).communityId;
	const n = (q: { get(): { n: number } | undefined }) => q.get()?.n ?? 0;
	const inCommunity = (t: SQLiteTable, communityId: AnySQLiteColumn) =>
		n(db.select({ n: count() }).from(t).where(eq(communityId, c)));
	const households = db
		.select({ n: count() })
		.from(household)
		.innerJoin(building, eq(household.buildingId, building.id));
	const residents = db
		.select({ n: count() })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id));
	return {
		estates: inCommunity(estate, estate.communityId),
		grids: inCommunity(grid, grid.communityId),
		buildings: inCommunity(building, building.communityId),
		households: n(households.where(eq(building.communityId, c))),
		residents: n(residents.where(eq(building.communityId, c))),
		householdGroups: inCommunity(householdGroup, householdGroup.communityId),
		departments: inCommunity(department, department.communityId),
		staff: n(
			db
				.select({ n: count() })
				.from(user)
				.where(and(eq(user.communityId, c), isNotNull(user.username)))
		)
	};
}

/** Estates, grids and buildings, each with how many things hang below it. */
export function listPlaces(db: Db, actor: Actor | null) {
	const c = rosterViewer(actor).communityId;
	const estates = db
		.select({ id: estate.id, name: estate.name, buildings: count(building.id) })
		.from(estate)
		.leftJoin(building, eq(building.estateId, estate.id))
		.where(eq(estate.communityId, c))
		.groupBy(estate.id)
		.all()
		.sort((a, b) => byName(a.name, b.name));
	const grids = db
		.select({ id: grid.id, name: grid.name, parentGridId: grid.parentGridId, buildings: count(building.id) })
		.from(grid)
		.leftJoin(building, eq(building.gridId, grid.id))
		.where(eq(grid.communityId, c))
		.groupBy(grid.id)
		.all()
		.sort((a, b) => byName(a.name, b.name));
	const buildings = db
		.select({
			id: building.id,
			name: building.name,
			estateId: building.estateId,
			estateName: estate.name,
			gridId: building.gridId,
			gridName: grid.name,
			households: sql<number>`(select count(*) from ${household} where ${household.buildingId} = ${building.id})`
		})
		.from(building)
		.leftJoin(estate, eq(building.estateId, estate.id))
		.leftJoin(grid, eq(building.gridId, grid.id))
		.where(eq(building.communityId, c))
		.all()
		.sort((a, b) => byName(a.estateName ?? '', b.estateName ?? '') || byName(a.name, b.name));
	return { estates, grids, buildings };
}

/** The households of one building with their residents, in door order. */
export function listHouseholds(db: Db, actor: Actor | null, input: { buildingId: number }) {
	const c = rosterViewer(actor).communityId;
	requireInCommunity(db, 'building', input.buildingId, c);
	const households = db
		.select({
			id: household.id,
			unit: household.unit,
			householdGroupId: household.householdGroupId,
			floorArea: household.floorArea,
			ownerKey: household.ownerKey,
			unsold: household.unsold
		})
		.from(household)
		.where(eq(household.buildingId, input.buildingId))
		.all()
		.sort((a, b) => byName(a.unit, b.unit));
	const ids = households.map((h) => h.id);
	const residents = ids.length
		? db
				.select({
					id: resident.id,
					householdId: resident.householdId,
					name: resident.name,
					phone: resident.phone,
					birthYear: resident.birthYear,
					adult: resident.adult,
					householdRepresentative: resident.householdRepresentative,
					villagerRepresentative: resident.villagerRepresentative
				})
				.from(resident)
				.where(inArray(resident.householdId, ids))
				.orderBy(resident.id)
				.all()
		: [];
	return households.map((h) => ({ ...h, residents: residents.filter((r) => r.householdId === h.id) }));
}

/** Household groups with their head and member households (and those households' residents). */
export function listHouseholdGroups(db: Db, actor: Actor | null) {
	const c = rosterViewer(actor).communityId;
	const groups = db
		.select({
			id: householdGroup.id,
			name: householdGroup.name,
			headResidentId: householdGroup.headResidentId,
			headName: resident.name
		})
		.from(householdGroup)
		.leftJoin(resident, eq(householdGroup.headResidentId, resident.id))
		.where(eq(householdGroup.communityId, c))
		.all()
		.sort((a, b) => byName(a.name, b.name));
	const members = db
		.select({
			householdId: household.id,
			groupId: household.householdGroupId,
			unit: household.unit,
			buildingName: building.name,
			residentId: resident.id,
			residentName: resident.name
		})
		.from(household)
		.innerJoin(building, eq(household.buildingId, building.id))
		.leftJoin(resident, eq(resident.householdId, household.id))
		.where(and(eq(building.communityId, c), isNotNull(household.householdGroupId)))
		.all()
		.sort((a, b) => byName(a.buildingName, b.buildingName) || byName(a.unit, b.unit));
	return groups.map((g) => {
		const mine = members.filter((x) => x.groupId === g.id);
		const households = [
			...new Map(
				mine.map((x) => [x.householdId, { id: x.householdId, label: `${x.buildingName} ${x.unit}` }])
			).values()
		];
		const residents = mine.flatMap((x) =>
			x.residentId === null
				? []
				: [{ id: x.residentId, name: x.residentName!, household: `${x.buildingName} ${x.unit}` }]
		);
		return { ...g, households, residents };
	});
}

/** Id and name of the community's household groups and departments, for choosers. */
export function listNames(db: Db, actor: Actor | null, kind: 'householdGroup' | 'department') {
	const c = rosterViewer(actor).communityId;
	const t = NAMED[kind] as unknown as typeof estate;
	return db
		.select({ id: t.id, name: t.name })
		.from(t)
		.where(eq(t.communityId, c))
		.all()
		.sort((a, b) => byName(a.name, b.name));
}

/** The community's name, for headings ('' if it is gone). */
export function communityName(db: Db, communityId: number): string {
	return (
		db.select({ name: community.name }).from(community).where(eq(community.id, communityId)).get()?.name ?? ''
	);
}

/** Where a resident lives: their building (id and name) and unit; null for an unknown resident. */
export function residentHome(db: Db, residentId: number) {
	return (
		db
			.select({ buildingId: building.id, building: building.name, unit: household.unit })
			.from(resident)
			.innerJoin(household, eq(resident.householdId, household.id))
			.innerJoin(building, eq(household.buildingId, building.id))
			.where(eq(resident.id, residentId))
			.get() ?? null
	);
}

/** The community's buildings with their estate's name, ordered by estate and building (for filters). */
export function communityBuildings(db: Db, communityId: number) {
	return db
		.select({ id: building.id, name: building.name, estateName: estate.name })
		.from(building)
		.leftJoin(estate, eq(building.estateId, estate.id))
		.where(eq(building.communityId, communityId))
		.orderBy(asc(estate.name), asc(building.name))
		.all();
}

/** The names of these buildings, in Chinese collation order. */
export function buildingNames(db: Db, ids: number[]) {
	return db
		.select({ id: building.id, name: building.name })
		.from(building)
		.where(inArray(building.id, ids))
		.all()
		.sort((a, b) => a.name.localeCompare(b.name, 'zh'));
}
