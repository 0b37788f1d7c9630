/**
 * The one answer to "may this user do X in scope Y", used by pages, form actions, Socket.IO and Yjs.
 * A scope is a place in the roster (the community, an estate, a grid, a building, a household, a
 * household group or a department) with all the places that contain it filled in.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import { prepared } from './db/prepared';
import {
	building,
	estate,
	grid,
	household,
	resident,
	roleAssignment,
	type ScopeType,
	type StaffRole
} from './db/schema';
import { DomainError } from './domain/errors';

export type Scope = {
	level: 'community' | 'estate' | 'grid' | 'building' | 'household' | 'householdGroup' | 'department';
	communityId: number;
	estateId?: number | null;
	/** The grid and every grid above it. */
	gridIds?: number[];
	buildingId?: number;
	householdId?: number;
	householdGroupId?: number | null;
	departmentId?: number;
};

export type RoleGrant = { role: StaffRole; scopeType: ScopeType; scopeId: number };

export type Actor = {
	userId: number;
	communityId: number;
	displayName: string;
	/** The resident this account belongs to, if any (residents log in by invitation). */
	residentId: number | null;
	/** Where the user lives, if they are a resident on the roster. */
	home: Scope | null;
	roles: RoleGrant[];
};

/** Who may do what. `resident` means: a resident whose home lies inside the scope. */
type Who = StaffRole | 'resident';
const PERMISSIONS = {
	'scope.view': [
		'resident',
		'admin',
		'facilitator',
		'committee',
		'buildingHead',
		'infoOfficer',
		'groupHead',
		'departmentLiaison'
	],
	'roster.manage': ['admin'],
	'roster.view': ['admin', 'facilitator', 'buildingHead', 'infoOfficer', 'groupHead'],
	'invitation.issue': ['admin', 'buildingHead', 'infoOfficer'],
	'document.read': [
		'resident',
		'admin',
		'facilitator',
		'committee',
		'buildingHead',
		'infoOfficer',
		'groupHead'
	],
	'document.write': ['admin', 'facilitator', 'committee', 'buildingHead'],
	'proposal.file': ['resident'],
	'proposal.fileOnBehalf': ['admin', 'infoOfficer', 'groupHead', 'buildingHead'],
	'proposal.second': ['resident'],
	'proposal.manage': ['admin', 'facilitator', 'committee'],
	'meeting.view': [
		'resident',
		'admin',
		'facilitator',
		'committee',
		'buildingHead',
		'infoOfficer',
		'groupHead'
	],
	'meeting.attend': ['resident'],
	'meeting.manage': ['admin', 'facilitator', 'buildingHead'],
	'agenda.edit': ['admin', 'facilitator', 'committee', 'buildingHead'],
	'ballot.assist': ['admin', 'facilitator', 'buildingHead', 'infoOfficer', 'groupHead'],
	/** 跟踪: who assigns a resolution's follow-up (owner, due date); the owner reports progress. */
	'followUp.manage': ['admin', 'facilitator'],
	/** 吹哨派单: who escalates to a department; the department's liaison handles it. */
	'dispatch.send': ['admin', 'facilitator'],
	'dispatch.handle': ['departmentLiaison'],
	/** 会议纪要: who writes the summary and signs for the chair. */
	'minutes.edit': ['admin', 'facilitator', 'buildingHead'],
	/**
	 * 积分: the admin sets the rules, grants the base and corrects entries; building heads and information
	 * officers know who helped or broke the negative list in their building and staff the redemption
	 * desk, so they record those and see their scope's standings. Five-household heads do not: deducting
	 * from one's own neighbours needs someone further off.
	 */
	'points.manage': ['admin'],
	'points.record': ['admin', 'buildingHead', 'infoOfficer'],
	/** The dashboard of proposals, resolutions, ratings and participation. */
	'dashboard.view': ['admin', 'facilitator', 'committee', 'buildingHead'],
	/** 审计日志: who opened and closed polls, recorded hands and proxies, changed roles. */
	'audit.view': ['admin'],
	/** 村规民约: the drafting committee writes; everyone in the community reads and comments. */
	'rules.edit': ['admin', 'committee'],
	'rules.comment': [
		'resident',
		'admin',
		'facilitator',
		'committee',
		'buildingHead',
		'infoOfficer',
		'groupHead'
	]
} as const satisfies Record<string, readonly Who[]>;
export type Action = keyof typeof PERMISSIONS;

function roleCovers(grant: RoleGrant, target: Scope): boolean {
	switch (grant.scopeType) {
		case 'community':
			return target.communityId === grant.scopeId;
		case 'estate':
			return target.estateId === grant.scopeId;
		case 'grid':
			return target.gridIds?.includes(grant.scopeId) ?? false;
		case 'building':
			return target.buildingId === grant.scopeId;
		case 'householdGroup':
			return target.householdGroupId === grant.scopeId;
		case 'department':
			return target.departmentId === grant.scopeId;
	}
}

/** A resident belongs to a scope when their home lies inside it. */
function homeInside(home: Scope, target: Scope): boolean {
	return scopeWithin(home, target);
}

export function can(actor: Actor | null, action: Action, target: Scope): boolean {
	if (!actor || actor.communityId !== target.communityId) return false;
	const allowed: readonly Who[] = PERMISSIONS[action];
	if (allowed.includes('resident') && actor.home && homeInside(actor.home, target)) return true;
	return actor.roles.some((g) => allowed.includes(g.role) && roleCovers(g, target));
}

/** Throws UNAUTHENTICATED or FORBIDDEN; for transports that turn domain errors into responses. */
export function authorize(actor: Actor | null, action: Action, target: Scope): Actor {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	if (!can(actor, action, target)) throw new DomainError('FORBIDDEN', { action });
	return actor;
}

/** Does the actor hold a role that allows `action` somewhere (to decide which forms to show)? */
export function canSomewhere(actor: Actor | null, action: Action): boolean {
	const allowed: readonly Who[] = PERMISSIONS[action];
	return actor?.roles.some((g) => allowed.includes(g.role)) ?? false;
}

export function communityScope(communityId: number): Scope {
	return { level: 'community', communityId };
}

function gridChain(db: Db, gridId: number | null): number[] {
	const ids: number[] = [];
	for (let id = gridId; id !== null && !ids.includes(id);) {
		ids.push(id);
		id =
			prepared(db, 'authz.gridParent', (db) =>
				db
					.select({ parent: grid.parentGridId })
					.from(grid)
					.where(eq(grid.id, sql.placeholder('id')))
					.prepare()
			).get({ id })?.parent ?? null;
	}
	return ids;
}

/** A department's own scope: what its liaison may see and handle. */
export function departmentScope(communityId: number, departmentId: number): Scope {
	return { level: 'department', communityId, departmentId };
}

export function buildingScope(db: Db, buildingId: number): Scope {
	const b = prepared(db, 'authz.building', (db) =>
		db
			.select()
			.from(building)
			.where(eq(building.id, sql.placeholder('id')))
			.prepare()
	).get({ id: buildingId });
	if (!b) throw new DomainError('NOT_FOUND', { buildingId });
	return {
		level: 'building',
		communityId: b.communityId,
		estateId: b.estateId,
		gridIds: gridChain(db, b.gridId),
		buildingId: b.id
	};
}

export function householdScope(db: Db, householdId: number): Scope {
	const h = prepared(db, 'authz.household', (db) =>
		db
			.select()
			.from(household)
			.where(eq(household.id, sql.placeholder('id')))
			.prepare()
	).get({ id: householdId });
	if (!h) throw new DomainError('NOT_FOUND', { householdId });
	return {
		...buildingScope(db, h.buildingId),
		level: 'household',
		householdId: h.id,
		householdGroupId: h.householdGroupId
	};
}

/** Builds the actor for a logged-in user: their roles and, for residents, their home. */
export function loadActor(
	db: Db,
	u: { id: number; communityId: number; displayName: string; residentId: number | null }
): Actor {
	const roles = prepared(db, 'authz.roles', (db) =>
		db
			.select({
				role: roleAssignment.role,
				scopeType: roleAssignment.scopeType,
				scopeId: roleAssignment.scopeId
			})
			.from(roleAssignment)
			.where(eq(roleAssignment.userId, sql.placeholder('userId')))
			.prepare()
	).all({ userId: u.id });
	let home: Scope | null = null;
	if (u.residentId !== null) {
		const r = prepared(db, 'authz.home', (db) =>
			db
				.select({ householdId: resident.householdId })
				.from(resident)
				.where(eq(resident.id, sql.placeholder('residentId')))
				.prepare()
		).get({ residentId: u.residentId });
		if (r) home = householdScope(db, r.householdId);
	}
	return {
		userId: u.id,
		communityId: u.communityId,
		displayName: u.displayName,
		residentId: u.residentId,
		home,
		roles
	};
}

export function estateScope(db: Db, estateId: number): Scope {
	const e = db.select().from(estate).where(eq(estate.id, estateId)).get();
	if (!e) throw new DomainError('NOT_FOUND', { estateId });
	return { level: 'estate', communityId: e.communityId, estateId: e.id };
}

export function gridScope(db: Db, gridId: number): Scope {
	const g = db.select().from(grid).where(eq(grid.id, gridId)).get();
	if (!g) throw new DomainError('NOT_FOUND', { gridId });
	return { level: 'grid', communityId: g.communityId, gridIds: gridChain(db, g.id) };
}

/** The scope of a place named by type and id, as meetings and proposals store it. */
export function placeScope(db: Db, type: 'community' | 'estate' | 'grid' | 'building', id: number): Scope {
	switch (type) {
		case 'community':
			return communityScope(id);
		case 'estate':
			return estateScope(db, id);
		case 'grid':
			return gridScope(db, id);
		case 'building':
			return buildingScope(db, id);
	}
}

/**
 * Any account of the community (resident or staff of any scope): for what the whole community may see,
 * such as the list of proposals. Throws UNAUTHENTICATED or NOT_FOUND (other communities' ids are not revealed).
 */
export function requireMember(actor: Actor | null, communityId: number): Actor {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	if (actor.communityId !== communityId) throw new DomainError('NOT_FOUND');
	return actor;
}

/** Does the place `inner` lie inside `outer`? (A building's proposal inside its estate's meeting, say.) */
export function scopeWithin(inner: Scope, outer: Scope): boolean {
	if (inner.communityId !== outer.communityId) return false;
	switch (outer.level) {
		case 'community':
			return true;
		case 'estate':
			return inner.estateId === outer.estateId;
		case 'grid':
			return outer.gridIds !== undefined && (inner.gridIds ?? []).includes(outer.gridIds[0]);
		case 'building':
			return inner.buildingId === outer.buildingId;
		case 'household':
			return inner.householdId === outer.householdId;
		case 'householdGroup':
			return inner.householdGroupId === outer.householdGroupId;
		case 'department':
			return inner.departmentId === outer.departmentId;
	}
}
