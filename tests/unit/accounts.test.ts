import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '$lib/server/db';
import { emptyDb } from '../helpers/db-templates';
import { createSession, generateSessionToken, validateSessionToken } from '$lib/server/session';
import { building, community, household, invitation, resident, user } from '$lib/server/db/schema';
import {
	INVITATION_LIFETIME,
	issueInvitation,
	loginWithPassword,
	createStaffUser,
	redeemInvitation,
	revokeInvitations
} from '$lib/server/domain/accounts';

let db: Db;
let residentId: number;
let communityId: number;

beforeEach(() => {
	db = emptyDb();
	communityId = db.insert(community).values({ name: '测试社区' }).returning().get().id;
	const buildingId = db.insert(building).values({ communityId, name: '1栋' }).returning().get().id;
	const householdId = db.insert(household).values({ buildingId, unit: '101' }).returning().get().id;
	residentId = db.insert(resident).values({ householdId, name: '李秀英' }).returning().get().id;
});

describe('invitations', () => {
	it('creates the resident’s account on first use and reuses it afterwards', () => {
		const card = issueInvitation(db, { residentId, kind: 'card', createdByUserId: null });
		const first = redeemInvitation(db, card.token);
		const second = redeemInvitation(db, card.token);
		expect(second.userId).toBe(first.userId);
		expect(db.select().from(user).all()).toHaveLength(1);
		expect(db.select().from(user).get()!.displayName).toBe('李秀英');
	});

	it('accepts a link once and refuses it the second time', () => {
		const link = issueInvitation(db, { residentId, kind: 'link', createdByUserId: null });
		redeemInvitation(db, link.token);
		expect(() => redeemInvitation(db, link.token)).toThrow('INVITATION_USED');
	});

	it('refuses an expired invitation and makes no account', () => {
		const t0 = Date.UTC(2026, 0, 1);
		const link = issueInvitation(db, { residentId, kind: 'link', createdByUserId: null }, t0);
		expect(() => redeemInvitation(db, link.token, t0 + INVITATION_LIFETIME.link)).toThrow(
			'INVITATION_EXPIRED'
		);
		expect(db.select().from(user).all()).toHaveLength(0);
	});

	it('revokes the old card when a new one is printed', () => {
		const old = issueInvitation(db, { residentId, kind: 'card', createdByUserId: null });
		const fresh = issueInvitation(db, { residentId, kind: 'card', createdByUserId: null });
		expect(() => redeemInvitation(db, old.token)).toThrow('INVITATION_REVOKED');
		expect(redeemInvitation(db, fresh.token).userId).toBeGreaterThan(0);
	});

	it('logs out the phones that used a card when a new card replaces it', () => {
		const old = issueInvitation(db, { residentId, kind: 'card', createdByUserId: null });
		const { userId, invitationId } = redeemInvitation(db, old.token);
		const phone = generateSessionToken();
		createSession(db, phone, userId, Date.now(), invitationId);
		const staffMade = generateSessionToken();
		createSession(db, staffMade, userId); // not from that card: stays
		expect(validateSessionToken(db, phone).session).not.toBeNull();
		issueInvitation(db, { residentId, kind: 'card', createdByUserId: null });
		expect(validateSessionToken(db, phone).session).toBeNull();
		expect(validateSessionToken(db, staffMade).session).not.toBeNull();
	});

	it('refuses everything after revocation', () => {
		const card = issueInvitation(db, { residentId, kind: 'card', createdByUserId: null });
		revokeInvitations(db, residentId);
		expect(() => redeemInvitation(db, card.token)).toThrow('INVITATION_REVOKED');
	});

	it('refuses forged and malformed tokens without touching the database', () => {
		issueInvitation(db, { residentId, kind: 'link', createdByUserId: null });
		expect(() => redeemInvitation(db, 'a'.repeat(40))).toThrow('INVITATION_INVALID');
		expect(() => redeemInvitation(db, '../../etc/passwd')).toThrow('INVITATION_INVALID');
		expect(db.select().from(invitation).get()!.usedAt).toBeNull();
	});
});

describe('staff login', () => {
	it('accepts the right password and refuses a wrong one or an unknown user alike', async () => {
		const id = await createStaffUser(db, {
			communityId,
			username: 'zhou',
			password: 'correct horse',
			displayName: '周敏'
		});
		expect(await loginWithPassword(db, 'zhou', 'correct horse')).toBe(id);
		await expect(loginWithPassword(db, 'zhou', 'wrong')).rejects.toThrow('LOGIN_FAILED');
		await expect(loginWithPassword(db, 'nobody', 'correct horse')).rejects.toThrow('LOGIN_FAILED');
	});

	it('does not store the password', async () => {
		await createStaffUser(db, {
			communityId,
			username: 'zhou',
			password: 'correct horse',
			displayName: '周敏'
		});
		const hash = db.select().from(user).get()!.passwordHash!;
		expect(hash).toMatch(/^\$argon2id\$/);
		expect(hash).not.toContain('correct horse');
	});
});
