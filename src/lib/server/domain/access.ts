/**
 * Who gets in: staff accounts and the roles they hold, and the invitations (printed QR cards and
 * single-use links) that let residents log in. Managing staff needs 'roster.manage' on the
 * community; issuing invitations needs 'invitation.issue' on the resident's building, which a
 * building head (楼栋长) or information officer (信息员) of that building also has.
 */
import { and, eq, inArray, isNotNull, ne, or } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { authorize, buildingScope, can, communityScope, type Actor } from '../authz';
import {
	building,
	estate,
	household,
	resident,
	roleAssignment,
	session,
	user,
	type ScopeType,
	type StaffRole
} from '../db/schema';
import { createStaffUser, issueInvitation } from './accounts';
import { DomainError } from './errors';
import { recordAudit } from './audit';
import { publishAccessEvent } from './access-events';
import { byName, constraintError, requireInCommunity, rosterManager } from './roster';

/** Where each role may be held: a 楼栋长 heads a building, a 五户长 a household group, and so on. */
export const ROLE_SCOPES = {
	admin: ['community', 'estate', 'grid'],
	facilitator: ['community', 'estate', 'grid'],
	committee: ['community', 'estate', 'grid'],
	infoOfficer: ['community', 'estate', 'grid', 'building'],
	buildingHead: ['building'],
	groupHead: ['householdGroup'],
	departmentLiaison: ['department']
} as const satisfies Record<StaffRole, readonly ScopeType[]>;

// ── staff and roles ─────────────────────────────────────────────────────────────────────────

/** Staff accounts (with a username) and any other account holding a role, with their roles. */
export function listStaff(db: Db, actor: Actor | null) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const c = authorize(actor, 'roster.view', communityScope(actor.communityId)).communityId;
	const roles = db
		.select({
			id: roleAssignment.id,
			userId: roleAssignment.userId,
			role: roleAssignment.role,
			scopeType: roleAssignment.scopeType,
			scopeId: roleAssignment.scopeId
		})
		.from(roleAssignment)
		.innerJoin(user, eq(roleAssignment.userId, user.id))
		.where(eq(user.communityId, c))
		.orderBy(roleAssignment.id)
		.all();
	const withRoles = [...new Set(roles.map((r) => r.userId))];
	const users = db
		.select({
			id: user.id,
			username: user.username,
			displayName: user.displayName,
			disabled: isNotNull(user.disabledAt)
		})
		.from(user)
		.where(and(eq(user.communityId, c), or(isNotNull(user.username), inArray(user.id, withRoles))))
		.all()
		.sort((a, b) => byName(a.displayName, b.displayName));
	return users.map((u) => ({ ...u, roles: roles.filter((r) => r.userId === u.id) }));
}

/** Creates a staff login (password at least 8 characters); DUPLICATE if the username is taken. */
export async function createStaff(
	db: Db,
	actor: Actor | null,
	input: { username: string; displayName: string; password: string }
): Promise<number> {
	const { communityId } = rosterManager(actor);
	try {
		return await createStaffUser(db, { communityId, ...input });
	} catch (e) {
		throw constraintError(e);
	}
}

/**
 * Gives a user a role in a scope. The scope must exist in the actor's community (NOT_FOUND) and fit
 * the role (INVALID_INPUT with field 'scope'), e.g. a building head's scope is a building.
 */
export function assignRole(
	db: Db,
	actor: Actor | null,
	input: { userId: number; role: StaffRole; scopeType: ScopeType; scopeId: number }
): number {
	const a = rosterManager(actor);
	const { communityId } = a;
	const u = db
		.select({ id: user.id })
		.from(user)
		.where(and(eq(user.id, input.userId), eq(user.communityId, communityId)))
		.get();
	if (!u) throw new DomainError('NOT_FOUND', { user: input.userId });
	if (!(ROLE_SCOPES[input.role] as readonly ScopeType[]).includes(input.scopeType)) {
		throw new DomainError('INVALID_INPUT', { field: 'scope' });
	}
	if (input.scopeType === 'community') {
		if (input.scopeId !== communityId) throw new DomainError('NOT_FOUND', { community: input.scopeId });
	} else requireInCommunity(db, input.scopeType, input.scopeId, communityId);
	try {
		const id = db.transaction((tx) => {
			const id = tx.insert(roleAssignment).values(input).returning({ id: roleAssignment.id }).get().id;
			const detail = {
				role: input.role,
				scopeType: input.scopeType,
				scopeId: input.scopeId,
				roleAssignmentId: id
			};
			recordAudit(tx, {
				communityId,
				actorUserId: a.userId,
				action: 'role.grant',
				subjectType: 'user',
				subjectId: input.userId,
				detail
			});
			return id;
		});
		publishAccessEvent({ kind: 'usersChanged', userIds: [input.userId] });
		return id;
	} catch (e) {
		throw constraintError(e);
	}
}

/** Removes a role; the community's last community-wide admin stays, so nobody can lock it out. */
export function removeRoleAssignment(db: Db, actor: Actor | null, input: { roleAssignmentId: number }) {
	const admin = rosterManager(actor);
	const { communityId } = admin;
	const a = db
		.select({
			id: roleAssignment.id,
			userId: roleAssignment.userId,
			role: roleAssignment.role,
			scopeType: roleAssignment.scopeType,
			scopeId: roleAssignment.scopeId
		})
		.from(roleAssignment)
		.innerJoin(user, eq(roleAssignment.userId, user.id))
		.where(and(eq(roleAssignment.id, input.roleAssignmentId), eq(user.communityId, communityId)))
		.get();
	if (!a) throw new DomainError('NOT_FOUND', { roleAssignment: input.roleAssignmentId });
	if (a.role === 'admin' && a.scopeType === 'community') requireAnotherAdmin(db, communityId, a.userId);
	db.transaction((tx) => {
		tx.delete(roleAssignment).where(eq(roleAssignment.id, a.id)).run();
		const detail = { role: a.role, scopeType: a.scopeType, scopeId: a.scopeId, roleAssignmentId: a.id };
		recordAudit(tx, {
			communityId,
			actorUserId: admin.userId,
			action: 'role.revoke',
			subjectType: 'user',
			subjectId: a.userId,
			detail
		});
	});
	// Open connections lose what the role gave at once (Socket.IO rooms, Yjs write access).
	publishAccessEvent({ kind: 'usersChanged', userIds: [a.userId] });
}

/** INVALID_INPUT (LAST_ADMIN) unless someone other than `userId` is a community-wide admin. */
function requireAnotherAdmin(db: Db, communityId: number, userId: number) {
	const other = db
		.select({ id: roleAssignment.id })
		.from(roleAssignment)
		.where(
			and(
				eq(roleAssignment.role, 'admin'),
				eq(roleAssignment.scopeType, 'community'),
				eq(roleAssignment.scopeId, communityId),
				ne(roleAssignment.userId, userId)
			)
		)
		.get();
	if (!other) throw new DomainError('INVALID_INPUT', { reason: 'LAST_ADMIN' });
}

/**
 * Deletes a staff login: it can no longer log in, its roles go, its sessions end and so do its live
 * connections. The row stays (disabled) because the audit log, ballots and minutes name it. Only
 * staff logins: a resident's account comes back with their invitation card, and loses a role by
 * removing the role. Not one's own account, and never the community's last admin.
 */
export function deleteAccount(db: Db, actor: Actor | null, input: { userId: number }) {
	const admin = rosterManager(actor);
	const { communityId } = admin;
	const u = db
		.select({
			id: user.id,
			username: user.username,
			residentId: user.residentId,
			disabledAt: user.disabledAt
		})
		.from(user)
		.where(and(eq(user.id, input.userId), eq(user.communityId, communityId)))
		.get();
	if (!u || u.disabledAt) throw new DomainError('NOT_FOUND', { user: input.userId });
	if (u.id === admin.userId) throw new DomainError('INVALID_INPUT', { reason: 'SELF' });
	if (!u.username || u.residentId !== null) throw new DomainError('INVALID_INPUT', { reason: 'NOT_STAFF' });
	const roles = db.select().from(roleAssignment).where(eq(roleAssignment.userId, u.id)).all();
	if (roles.some((r) => r.role === 'admin' && r.scopeType === 'community'))
		requireAnotherAdmin(db, communityId, u.id);
	const ended = db.transaction((tx) => {
		tx.delete(roleAssignment).where(eq(roleAssignment.userId, u.id)).run();
		tx.update(user).set({ disabledAt: new Date(), passwordHash: null }).where(eq(user.id, u.id)).run();
		const sessions = tx.delete(session).where(eq(session.userId, u.id)).returning({ id: session.id }).all();
		recordAudit(tx, {
			communityId,
			actorUserId: admin.userId,
			action: 'account.delete',
			subjectType: 'user',
			subjectId: u.id,
			detail: {
				username: u.username,
				roles: roles.map(({ role, scopeType, scopeId }) => ({ role, scopeType, scopeId }))
			}
		});
		return sessions.map((r) => r.id);
	});
	publishAccessEvent({ kind: 'sessionsEnded', sessionIds: ended });
	publishAccessEvent({ kind: 'usersChanged', userIds: [u.id] });
}

// ── invitations ─────────────────────────────────────────────────────────────────────────────

/** Throws unless the building is in the actor's community and they may issue invitations there. */
function invitationIssuer(db: Db, actor: Actor | null, buildingId: number): Actor {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const scope = buildingScope(db, buildingId);
	if (scope.communityId !== actor.communityId) throw new DomainError('NOT_FOUND', { building: buildingId });
	return authorize(actor, 'invitation.issue', scope);
}

function buildingLabel(db: Db, buildingId: number): string {
	const b = db
		.select({ name: building.name, estateName: estate.name })
		.from(building)
		.leftJoin(estate, eq(building.estateId, estate.id))
		.where(eq(building.id, buildingId))
		.get();
	return b ? [b.estateName, b.name].filter(Boolean).join(' ') : '';
}

/** Buildings the actor may print invitation cards for (all of them for a community admin). */
export function listInvitationBuildings(db: Db, actor: Actor | null) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const all = db
		.select({ id: building.id, name: building.name, estateName: estate.name })
		.from(building)
		.leftJoin(estate, eq(building.estateId, estate.id))
		.where(eq(building.communityId, actor.communityId))
		.all()
		.sort((a, b) => byName(a.estateName ?? '', b.estateName ?? '') || byName(a.name, b.name));
	const everywhere = can(actor, 'invitation.issue', communityScope(actor.communityId));
	return all
		.filter((b) => everywhere || can(actor, 'invitation.issue', buildingScope(db, b.id)))
		.map((b) => ({ id: b.id, label: [b.estateName, b.name].filter(Boolean).join(' ') }));
}

function residentsOf(db: Db | Tx, buildingId: number) {
	return db
		.select({ id: resident.id, name: resident.name, unit: household.unit, accountId: user.id })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.leftJoin(user, eq(user.residentId, resident.id))
		.where(eq(household.buildingId, buildingId))
		.orderBy(resident.id)
		.all()
		.sort((a, b) => byName(a.unit, b.unit));
}

/** The building's residents, in door order, and whether each has logged in before. */
export function listBuildingResidents(db: Db, actor: Actor | null, input: { buildingId: number }) {
	invitationIssuer(db, actor, input.buildingId);
	return residentsOf(db, input.buildingId).map(({ accountId, ...r }) => ({
		...r,
		hasAccount: accountId !== null
	}));
}

/**
 * An invitation logs its holder in as that resident's account, so one for an account that holds a role
 * (a resident who is also a facilitator, say) would hand that role to whoever prints it: only the
 * community admin may issue those.
 */
function mayInvite(db: Db | Tx, actor: Actor, accountId: number | null): boolean {
	if (accountId === null || can(actor, 'roster.manage', communityScope(actor.communityId))) return true;
	return !db
		.select({ id: roleAssignment.id })
		.from(roleAssignment)
		.where(eq(roleAssignment.userId, accountId))
		.get();
}

/**
 * Issues a new QR card for every resident of a building, in one transaction. Each new card revokes
 * that resident's earlier cards, so printing again makes lost cards useless. Residents whose account
 * holds a role are left to the admin (see mayInvite).
 */
export function issueBuildingCards(db: Db, actor: Actor | null, input: { buildingId: number }) {
	const { userId } = invitationIssuer(db, actor, input.buildingId);
	const label = buildingLabel(db, input.buildingId);
	const cards = db.transaction((tx) =>
		residentsOf(tx, input.buildingId)
			.filter((r) => mayInvite(tx, actor!, r.accountId))
			.map((r) => {
				// issueInvitation opens its own transaction; inside this one it becomes a savepoint.
				const { token, expiresAt } = issueInvitation(tx, {
					residentId: r.id,
					kind: 'card',
					createdByUserId: userId
				});
				return { residentId: r.id, name: r.name, unit: r.unit, token, expiresAt };
			})
	);
	return { building: label, cards };
}

/** Issues a single-use invitation link for one resident. */
export function issueResidentLink(db: Db, actor: Actor | null, input: { residentId: number }) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const r = db
		.select({
			name: resident.name,
			unit: household.unit,
			buildingId: household.buildingId,
			accountId: user.id
		})
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.leftJoin(user, eq(user.residentId, resident.id))
		.where(eq(resident.id, input.residentId))
		.get();
	if (!r) throw new DomainError('NOT_FOUND', { resident: input.residentId });
	const { userId } = invitationIssuer(db, actor, r.buildingId);
	if (!mayInvite(db, actor, r.accountId)) throw new DomainError('FORBIDDEN', { reason: 'HOLDS_ROLE' });
	const { token, expiresAt } = issueInvitation(db, {
		residentId: input.residentId,
		kind: 'link',
		createdByUserId: userId
	});
	return { residentId: input.residentId, name: r.name, unit: r.unit, token, expiresAt };
}
