/**
 * The roster as the community office keeps it by hand: estates, grids, buildings, households,
 * residents, household groups (联户) and departments. Each function first checks that the actor may
 * manage (or view) the roster of their own community. Ids from another community are NOT_FOUND,
 * never FORBIDDEN, so a guessed id reveals nothing. Strings arrive trimmed and length-checked by
 * the form schemas; only what needs the database is checked here.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { authorize, communityScope, type Actor } from '../authz';
import {
	building,
	department,
	estate,
	grid,
	household,
	householdGroup,
	invitation,
	meeting,
	resident,
	roleAssignment,
	user,
	type ScopeType
} from '../db/schema';
import { DomainError } from './errors';

/** Throws UNAUTHENTICATED / FORBIDDEN unless the actor may manage their community's roster. */
export function rosterManager(actor: Actor | null): Actor {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	return authorize(actor, 'roster.manage', communityScope(actor.communityId));
}

function sqliteCode(e: unknown): string | undefined {
	// Drizzle wraps driver errors in DrizzleQueryError; the SqliteError is its cause.
	for (
		let x = e, depth = 0;
		x && typeof x === 'object' && depth < 5;
		x = (x as { cause?: unknown }).cause, depth++
	) {
		const code = (x as { code?: unknown }).code;
		if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
	}
	return undefined;
}

/** A unique index means the record exists already; a foreign key means something still uses it. */
export function constraintError(e: unknown): unknown {
	const code = sqliteCode(e);
	if (code === 'SQLITE_CONSTRAINT_UNIQUE') return new DomainError('DUPLICATE');
	if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new DomainError('IN_USE');
	return e;
}

function guarded<T>(run: () => T): T {
	try {
		return run();
	} catch (e) {
		throw constraintError(e);
	}
}

/** Compares names as people read them: "2栋" before "10栋". */
export const byName = new Intl.Collator('zh-CN', { numeric: true }).compare;

/** The tables that hang directly off a community and have a name. */
export const NAMED = { estate, grid, householdGroup, department, building } as const;
export type NamedKind = keyof typeof NAMED;

/** Throws NOT_FOUND unless the row exists in this community. `null` ids pass (an optional link). */
export function requireInCommunity(db: Db, kind: NamedKind, id: number | null, communityId: number) {
	if (id === null) return;
	const t = NAMED[kind] as typeof estate; // all share (id, communityId, name)
	const row = db
		.select({ id: t.id })
		.from(t)
		.where(and(eq(t.id, id), eq(t.communityId, communityId)))
		.get();
	if (!row) throw new DomainError('NOT_FOUND', { [kind]: id });
}

function rename(db: Db, actor: Actor | null, kind: NamedKind, id: number, name: string) {
	const { communityId } = rosterManager(actor);
	requireInCommunity(db, kind, id, communityId);
	const t = NAMED[kind] as typeof estate;
	guarded(() => db.update(t).set({ name }).where(eq(t.id, id)).run());
}

/** Role assignments point at their scope by type and id, which no foreign key can see. */
function assertNoRoles(db: Db, scopeType: ScopeType, scopeId: number) {
	const used = db
		.select({ id: roleAssignment.id })
		.from(roleAssignment)
		.where(and(eq(roleAssignment.scopeType, scopeType), eq(roleAssignment.scopeId, scopeId)))
		.get();
	if (used) throw new DomainError('IN_USE', { roleAssignment: used.id });
}

/** Meetings name their scope by type and id too; deleting it would leave them nowhere. */
function assertNoMeetings(db: Db, kind: NamedKind, id: number) {
	if (kind !== 'estate' && kind !== 'grid' && kind !== 'building') return;
	const used = db
		.select({ id: meeting.id })
		.from(meeting)
		.where(and(eq(meeting.scopeType, kind), eq(meeting.scopeId, id)))
		.get();
	if (used) throw new DomainError('IN_USE', { meeting: used.id });
}

function remove(db: Db, actor: Actor | null, kind: NamedKind, id: number) {
	const { communityId } = rosterManager(actor);
	requireInCommunity(db, kind, id, communityId);
	assertNoRoles(db, kind, id);
	assertNoMeetings(db, kind, id);
	const t = NAMED[kind] as typeof estate;
	guarded(() => db.delete(t).where(eq(t.id, id)).run());
}

// ── estates, grids, buildings ───────────────────────────────────────────────────────────────

export function createEstate(db: Db, actor: Actor | null, input: { name: string }): number {
	const { communityId } = rosterManager(actor);
	return guarded(
		() => db.insert(estate).values({ communityId, name: input.name }).returning({ id: estate.id }).get().id
	);
}
export const renameEstate = (db: Db, actor: Actor | null, input: { estateId: number; name: string }) =>
	rename(db, actor, 'estate', input.estateId, input.name);
export const deleteEstate = (db: Db, actor: Actor | null, input: { estateId: number }) =>
	remove(db, actor, 'estate', input.estateId);

/** A grid; a micro-grid names its parent grid. */
export function createGrid(
	db: Db,
	actor: Actor | null,
	input: { name: string; parentGridId: number | null }
): number {
	const { communityId } = rosterManager(actor);
	requireInCommunity(db, 'grid', input.parentGridId, communityId);
	return guarded(
		() =>
			db
				.insert(grid)
				.values({ communityId, name: input.name, parentGridId: input.parentGridId })
				.returning({ id: grid.id })
				.get().id
	);
}
export const renameGrid = (db: Db, actor: Actor | null, input: { gridId: number; name: string }) =>
	rename(db, actor, 'grid', input.gridId, input.name);

export function deleteGrid(db: Db, actor: Actor | null, input: { gridId: number }) {
	const { communityId } = rosterManager(actor);
	requireInCommunity(db, 'grid', input.gridId, communityId);
	// parent_grid_id has no foreign key, so micro-grids are checked here.
	const child = db.select({ id: grid.id }).from(grid).where(eq(grid.parentGridId, input.gridId)).get();
	if (child) throw new DomainError('IN_USE', { grid: child.id });
	remove(db, actor, 'grid', input.gridId);
}

/** SQLite's unique index treats a NULL estate as distinct, so buildings without one are checked here. */
function assertBuildingNameFree(
	db: Db,
	communityId: number,
	estateId: number | null,
	name: string,
	except = 0
) {
	const sameEstate = estateId === null ? isNull(building.estateId) : eq(building.estateId, estateId);
	const clash = db
		.select({ id: building.id })
		.from(building)
		.where(and(eq(building.communityId, communityId), sameEstate, eq(building.name, name)))
		.get();
	if (clash && clash.id !== except) throw new DomainError('DUPLICATE', { field: 'name' });
}

export function createBuilding(
	db: Db,
	actor: Actor | null,
	input: { name: string; estateId: number | null; gridId: number | null }
): number {
	const { communityId } = rosterManager(actor);
	requireInCommunity(db, 'estate', input.estateId, communityId);
	requireInCommunity(db, 'grid', input.gridId, communityId);
	assertBuildingNameFree(db, communityId, input.estateId, input.name);
	return guarded(
		() =>
			db
				.insert(building)
				.values({ communityId, ...input })
				.returning({ id: building.id })
				.get().id
	);
}

export function renameBuilding(db: Db, actor: Actor | null, input: { buildingId: number; name: string }) {
	const { communityId } = rosterManager(actor);
	const b = db
		.select()
		.from(building)
		.where(and(eq(building.id, input.buildingId), eq(building.communityId, communityId)))
		.get();
	if (!b) throw new DomainError('NOT_FOUND', { building: input.buildingId });
	assertBuildingNameFree(db, communityId, b.estateId, input.name, b.id);
	guarded(() => db.update(building).set({ name: input.name }).where(eq(building.id, b.id)).run());
}
export const deleteBuilding = (db: Db, actor: Actor | null, input: { buildingId: number }) =>
	remove(db, actor, 'building', input.buildingId);

// ── households and residents ────────────────────────────────────────────────────────────────

export function requireHousehold(db: Db, householdId: number, communityId: number) {
	const h = db
		.select({ id: household.id, buildingId: household.buildingId })
		.from(household)
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(and(eq(household.id, householdId), eq(building.communityId, communityId)))
		.get();
	if (!h) throw new DomainError('NOT_FOUND', { household: householdId });
	return h;
}

export function requireResident(db: Db, residentId: number, communityId: number) {
	const r = db
		.select({ id: resident.id, householdId: resident.householdId })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(and(eq(resident.id, residentId), eq(building.communityId, communityId)))
		.get();
	if (!r) throw new DomainError('NOT_FOUND', { resident: residentId });
	return r;
}

export function createHousehold(
	db: Db,
	actor: Actor | null,
	input: { buildingId: number; unit: string; householdGroupId: number | null }
): number {
	const { communityId } = rosterManager(actor);
	requireInCommunity(db, 'building', input.buildingId, communityId);
	requireInCommunity(db, 'householdGroup', input.householdGroupId, communityId);
	return guarded(() => db.insert(household).values(input).returning({ id: household.id }).get().id);
}

/** Changes the door label and the household group (联户) of a household. */
export function updateHousehold(
	db: Db,
	actor: Actor | null,
	input: { householdId: number; unit: string; householdGroupId: number | null }
) {
	const { communityId } = rosterManager(actor);
	requireHousehold(db, input.householdId, communityId);
	requireInCommunity(db, 'householdGroup', input.householdGroupId, communityId);
	const { unit, householdGroupId } = input;
	guarded(() =>
		db.update(household).set({ unit, householdGroupId }).where(eq(household.id, input.householdId)).run()
	);
}

/** A household is deleted only once its residents are gone (IN_USE otherwise). */
export function deleteHousehold(db: Db, actor: Actor | null, input: { householdId: number }) {
	const { communityId } = rosterManager(actor);
	requireHousehold(db, input.householdId, communityId);
	guarded(() => db.delete(household).where(eq(household.id, input.householdId)).run());
}

type ResidentFields = { name: string; phone: string | null; birthYear: number | null };

export function createResident(
	db: Db,
	actor: Actor | null,
	input: { householdId: number } & ResidentFields
): number {
	const { communityId } = rosterManager(actor);
	requireHousehold(db, input.householdId, communityId);
	return guarded(() => db.insert(resident).values(input).returning({ id: resident.id }).get().id);
}

export function updateResident(db: Db, actor: Actor | null, input: { residentId: number } & ResidentFields) {
	const { communityId } = rosterManager(actor);
	requireResident(db, input.residentId, communityId);
	const { name, phone, birthYear } = input;
	guarded(() =>
		db.update(resident).set({ name, phone, birthYear }).where(eq(resident.id, input.residentId)).run()
	);
}

/**
 * Removes a resident who never logged in; their unused invitations go with them (every resident
 * has one once cards are printed). A resident with an account, or who heads a 联户, is IN_USE.
 */
export function deleteResident(db: Db, actor: Actor | null, input: { residentId: number }) {
	const { communityId } = rosterManager(actor);
	const { id } = requireResident(db, input.residentId, communityId);
	const account = db.select({ id: user.id }).from(user).where(eq(user.residentId, id)).get();
	const heads = db
		.select({ id: householdGroup.id })
		.from(householdGroup)
		.where(eq(householdGroup.headResidentId, id))
		.get();
	if (account || heads) throw new DomainError('IN_USE', { resident: id });
	guarded(() =>
		db.transaction((tx) => {
			tx.delete(invitation)
				.where(and(eq(invitation.residentId, id), isNull(invitation.usedAt)))
				.run();
			tx.delete(resident).where(eq(resident.id, id)).run();
		})
	);
}

// ── household groups (联户) and departments ─────────────────────────────────────────────────

function requireHeadInCommunity(db: Db, headResidentId: number | null, communityId: number) {
	if (headResidentId !== null) requireResident(db, headResidentId, communityId);
}

export function createHouseholdGroup(
	db: Db,
	actor: Actor | null,
	input: { name: string; headResidentId: number | null }
): number {
	const { communityId } = rosterManager(actor);
	requireHeadInCommunity(db, input.headResidentId, communityId);
	return guarded(
		() =>
			db
				.insert(householdGroup)
				.values({ communityId, ...input })
				.returning({ id: householdGroup.id })
				.get().id
	);
}

export function updateHouseholdGroup(
	db: Db,
	actor: Actor | null,
	input: { householdGroupId: number; name: string; headResidentId: number | null }
) {
	const { communityId } = rosterManager(actor);
	requireInCommunity(db, 'householdGroup', input.householdGroupId, communityId);
	requireHeadInCommunity(db, input.headResidentId, communityId);
	const { name, headResidentId } = input;
	guarded(() =>
		db
			.update(householdGroup)
			.set({ name, headResidentId })
			.where(eq(householdGroup.id, input.householdGroupId))
			.run()
	);
}

/** IN_USE while households still belong to the group or someone holds a role for it. */
export const deleteHouseholdGroup = (db: Db, actor: Actor | null, input: { householdGroupId: number }) =>
	remove(db, actor, 'householdGroup', input.householdGroupId);

export function createDepartment(db: Db, actor: Actor | null, input: { name: string }): number {
	const { communityId } = rosterManager(actor);
	return guarded(
		() =>
			db.insert(department).values({ communityId, name: input.name }).returning({ id: department.id }).get()
				.id
	);
}
export const renameDepartment = (
	db: Db,
	actor: Actor | null,
	input: { departmentId: number; name: string }
) => rename(db, actor, 'department', input.departmentId, input.name);
export const deleteDepartment = (db: Db, actor: Actor | null, input: { departmentId: number }) =>
	remove(db, actor, 'department', input.departmentId);
