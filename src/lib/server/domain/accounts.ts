/**
 * Logging in: staff with a username and password, residents with a personal invitation
 * (a link, single use, or a printed QR card, reusable until revoked). Sessions are made by the caller.
 */
import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Db, Tx } from '../db';
import { household, building, invitation, resident, session, user } from '../db/schema';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../password';
import { hashToken } from '../session';
import { DomainError } from './errors';
import { publishAccessEvent } from './access-events';

const DAY = 24 * 60 * 60 * 1000;
export const INVITATION_LIFETIME = { link: 7 * DAY, card: 365 * DAY } as const;

/** Returns the user id, or throws LOGIN_FAILED without saying whether the name or the password was wrong. */
export async function loginWithPassword(db: Db, username: string, password: string): Promise<number> {
	const u = db
		.select({ id: user.id, passwordHash: user.passwordHash, disabledAt: user.disabledAt })
		.from(user)
		.where(eq(user.username, username.trim()))
		.get();
	const ok = await verifyPassword(u?.passwordHash ?? (await dummyPasswordHash()), password);
	if (!u || !u.passwordHash || !ok || u.disabledAt) throw new DomainError('LOGIN_FAILED');
	return u.id;
}

export async function createStaffUser(
	db: Db,
	input: { communityId: number; username: string; password: string; displayName: string }
): Promise<number> {
	if (input.password.length < 8) throw new DomainError('INVALID_INPUT', { field: 'password' });
	const exists = db.select({ id: user.id }).from(user).where(eq(user.username, input.username)).get();
	if (exists) throw new DomainError('DUPLICATE', { field: 'username' });
	const passwordHash = await hashPassword(input.password);
	return db
		.insert(user)
		.values({
			communityId: input.communityId,
			username: input.username,
			passwordHash,
			displayName: input.displayName
		})
		.returning({ id: user.id })
		.get().id;
}

/** 25 random bytes: long enough that guessing is hopeless, short enough for a QR code a phone reads fast. */
function generateInvitationToken(): string {
	return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(25)));
}

/**
 * Issues an invitation. A new card revokes the resident's earlier cards, so a lost card stops working
 * once a replacement is printed.
 */
export function issueInvitation(
	db: Db | Tx,
	input: { residentId: number; kind: 'link' | 'card'; createdByUserId: number | null },
	now = Date.now()
): { token: string; expiresAt: Date } {
	const r = db.select({ id: resident.id }).from(resident).where(eq(resident.id, input.residentId)).get();
	if (!r) throw new DomainError('NOT_FOUND', { residentId: input.residentId });
	const token = generateInvitationToken();
	const expiresAt = new Date(now + INVITATION_LIFETIME[input.kind]);
	db.transaction((tx) => {
		if (input.kind === 'card')
			revoke(tx, and(eq(invitation.residentId, input.residentId), eq(invitation.kind, 'card')), now);
		tx.insert(invitation)
			.values({
				tokenHash: hashToken(token),
				residentId: input.residentId,
				kind: input.kind,
				expiresAt,
				createdByUserId: input.createdByUserId
			})
			.run();
	});
	return { token, expiresAt };
}

/**
 * Revokes invitations and ends the sessions they started (a lost card stops working on every phone),
 * live connections included: they hear of it once this transaction has committed.
 */
function revoke(db: Db | Tx, which: SQL | undefined, now: number) {
	const revoked = db
		.update(invitation)
		.set({ revokedAt: new Date(now) })
		.where(and(which, isNull(invitation.revokedAt)))
		.returning({ id: invitation.id })
		.all()
		.map((r) => r.id);
	if (!revoked.length) return;
	const ended = db
		.delete(session)
		.where(inArray(session.invitationId, revoked))
		.returning({ id: session.id })
		.all();
	publishAccessEvent({ kind: 'sessionsEnded', sessionIds: ended.map((r) => r.id) });
}

export function revokeInvitations(db: Db, residentId: number, now = Date.now()) {
	db.transaction((tx) => revoke(tx, eq(invitation.residentId, residentId), now));
}

/** The invitation a token names, if it can still be used; else the coded reason, changing nothing. */
function usableInvitation(db: Db | Tx, token: string, now: number) {
	if (!/^[a-z2-7]{20,80}$/.test(token)) throw new DomainError('INVITATION_INVALID');
	const inv = db
		.select()
		.from(invitation)
		.where(eq(invitation.tokenHash, hashToken(token)))
		.get();
	if (!inv) throw new DomainError('INVITATION_INVALID');
	if (inv.revokedAt) throw new DomainError('INVITATION_REVOKED');
	if (inv.expiresAt.getTime() <= now) throw new DomainError('INVITATION_EXPIRED');
	if (inv.kind === 'link' && inv.usedAt) throw new DomainError('INVITATION_USED');
	return inv;
}

/**
 * Whose invitation a token is, for the page that asks before logging in: the resident's name and
 * home, and whether it is a single-use link. Reads only, so opening a link (or a crawler fetching
 * it for a preview) never uses it up. Throws the same codes as `redeemInvitation`.
 */
export function describeInvitation(db: Db, token: string, now = Date.now()) {
	const inv = usableInvitation(db, token, now);
	const r = db
		.select({ name: resident.name, unit: household.unit, buildingName: building.name })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(eq(resident.id, inv.residentId))
		.get();
	if (!r) throw new DomainError('INVITATION_INVALID');
	return { residentId: inv.residentId, kind: inv.kind, ...r };
}

/**
 * Turns an invitation token into the resident's user id (creating the account on first use) and the
 * invitation's id, which the new session keeps. Throws INVITATION_INVALID / _EXPIRED / _USED /
 * _REVOKED and changes nothing in those cases.
 */
export function redeemInvitation(
	db: Db,
	token: string,
	now = Date.now()
): { userId: number; invitationId: number } {
	return db.transaction((tx) => {
		const inv = usableInvitation(tx, token, now);
		tx.update(invitation)
			.set({ usedAt: new Date(now) })
			.where(eq(invitation.id, inv.id))
			.run();

		const existing = tx.select({ id: user.id }).from(user).where(eq(user.residentId, inv.residentId)).get();
		if (existing) return { userId: existing.id, invitationId: inv.id };
		const r = tx
			.select({ name: resident.name, communityId: building.communityId })
			.from(resident)
			.innerJoin(household, eq(resident.householdId, household.id))
			.innerJoin(building, eq(household.buildingId, building.id))
			.where(eq(resident.id, inv.residentId))
			.get();
		if (!r) throw new DomainError('INVITATION_INVALID');
		const userId = tx
			.insert(user)
			.values({ communityId: r.communityId, displayName: r.name, residentId: inv.residentId })
			.returning({ id: user.id })
			.get().id;
		return { userId, invitationId: inv.id };
	});
}

/** Remembers the language an account chose, so its other devices start in it. */
export function setUserLocale(db: Db, userId: number, locale: string) {
	db.update(user).set({ locale }).where(eq(user.id, userId)).run();
}
