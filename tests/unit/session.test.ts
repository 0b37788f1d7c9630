import { describe, expect, it } from 'vitest';
import { emptyDb } from '../helpers/db-templates';
import { community, session, user } from '$lib/server/db/schema';
import {
	SESSION_LIFETIME,
	createSession,
	generateSessionToken,
	hashToken,
	invalidateSession,
	readCookie,
	validateSessionToken
} from '$lib/server/session';

function dbWithUser() {
	const db = emptyDb();
	const communityId = db.insert(community).values({ name: '测试社区' }).returning().get().id;
	const userId = db
		.insert(user)
		.values({ communityId, displayName: '张三', username: 'zs' })
		.returning()
		.get().id;
	return { db, userId };
}

const DAY = 24 * 60 * 60 * 1000;

describe('sessions', () => {
	it('stores only the SHA-256 of the token', () => {
		const { db, userId } = dbWithUser();
		const token = generateSessionToken();
		createSession(db, token, userId);
		const row = db.select().from(session).get()!;
		expect(row.id).toBe(hashToken(token));
		expect(row.id).not.toContain(token);
		expect(row.id).toMatch(/^[0-9a-f]{64}$/);
	});

	it('makes tokens that are long, random and distinct', () => {
		const tokens = new Set(Array.from({ length: 100 }, generateSessionToken));
		expect(tokens.size).toBe(100);
		for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{32}$/);
	});

	it('validates a fresh token and rejects an unknown one', () => {
		const { db, userId } = dbWithUser();
		const token = generateSessionToken();
		createSession(db, token, userId);
		expect(validateSessionToken(db, token).user?.displayName).toBe('张三');
		expect(validateSessionToken(db, generateSessionToken()).session).toBeNull();
	});

	it('expires a session after its lifetime and deletes it', () => {
		const { db, userId } = dbWithUser();
		const token = generateSessionToken();
		const t0 = Date.UTC(2026, 0, 1);
		createSession(db, token, userId, t0);
		expect(validateSessionToken(db, token, { now: t0 + SESSION_LIFETIME }).session).toBeNull();
		expect(db.select().from(session).all()).toHaveLength(0);
	});

	it('slides the expiry forward when less than half the lifetime is left', () => {
		const { db, userId } = dbWithUser();
		const token = generateSessionToken();
		const t0 = Date.UTC(2026, 0, 1);
		createSession(db, token, userId, t0);
		const early = validateSessionToken(db, token, { now: t0 + 1 * DAY });
		expect(early.session!.expiresAt.getTime()).toBe(t0 + SESSION_LIFETIME);
		const late = validateSessionToken(db, token, { now: t0 + 20 * DAY });
		expect(late.session!.expiresAt.getTime()).toBe(t0 + 20 * DAY + SESSION_LIFETIME);
	});

	it('does not extend a session when a socket checks it', () => {
		const { db, userId } = dbWithUser();
		const token = generateSessionToken();
		const t0 = Date.UTC(2026, 0, 1);
		createSession(db, token, userId, t0);
		validateSessionToken(db, token, { now: t0 + 20 * DAY, extend: false });
		expect(db.select().from(session).get()!.expiresAt.getTime()).toBe(t0 + SESSION_LIFETIME);
	});

	it('ends a session on logout', () => {
		const { db, userId } = dbWithUser();
		const token = generateSessionToken();
		const s = createSession(db, token, userId);
		invalidateSession(db, s.id);
		expect(validateSessionToken(db, token).session).toBeNull();
	});

	it('refuses a disabled account', () => {
		const { db, userId } = dbWithUser();
		const token = generateSessionToken();
		createSession(db, token, userId);
		db.update(user).set({ disabledAt: new Date() }).run();
		expect(validateSessionToken(db, token).session).toBeNull();
		expect(userId).toBeGreaterThan(0);
	});

	it('reads one cookie out of a raw Cookie header', () => {
		expect(readCookie('a=1; yizhan_session=abc; b=2', 'yizhan_session')).toBe('abc');
		expect(readCookie('yizhan_sessionX=abc', 'yizhan_session')).toBeUndefined();
		expect(readCookie(undefined, 'yizhan_session')).toBeUndefined();
	});
});
