/**
 * Sessions as in Lucia's guide (the `lucia` package is deprecated): a random token in an HttpOnly
 * cookie, only its SHA-256 stored, sliding expiry. The same check serves HTTP, Socket.IO and Yjs.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import { prepared } from './db/prepared';
import { session, user } from './db/schema';
import { publishAccessEvent } from './domain/access-events';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME = 30 * DAY;
/** A session is extended when less than this is left, so an active phone stays logged in. */
const RENEW_WHEN_LEFT = 15 * DAY;
export const SESSION_COOKIE = 'yizhan_session';

export function generateSessionToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(20));
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function createSession(
	db: Db,
	token: string,
	userId: number,
	now = Date.now(),
	invitationId: number | null = null
) {
	const row = { id: hashToken(token), userId, invitationId, expiresAt: new Date(now + SESSION_LIFETIME) };
	db.insert(session).values(row).run();
	return row;
}

export type SessionUser = {
	id: number;
	communityId: number;
	displayName: string;
	residentId: number | null;
	/** 长辈版 as last chosen on one of the account's devices (null: never chosen). */
	elderMode: boolean | null;
};
export type SessionResult =
	| { session: { id: string; userId: number; expiresAt: Date }; user: SessionUser }
	| { session: null; user: null };

/**
 * Looks a token up. `extend` slides the expiry (HTTP requests do; socket handshakes must not, so a
 * phone left open on a projector page does not keep a session alive forever).
 */
export function validateSessionToken(
	db: Db,
	token: string,
	opts: { extend?: boolean; now?: number } = {}
): SessionResult {
	return validateSession(db, hashToken(token), opts);
}

/**
 * The same check by the stored id, for live connections that hold the id rather than the token.
 * An expired session (or one of a deleted account) is deleted here, and its live connections told.
 */
export function validateSession(
	db: Db,
	id: string,
	{ extend = true, now = Date.now() }: { extend?: boolean; now?: number } = {}
): SessionResult {
	const row = prepared(db, 'session.validate', (db) =>
		db
			.select({
				session,
				user: {
					id: user.id,
					communityId: user.communityId,
					displayName: user.displayName,
					residentId: user.residentId,
					elderMode: user.elderMode,
					disabledAt: user.disabledAt
				}
			})
			.from(session)
			.innerJoin(user, eq(session.userId, user.id))
			.where(eq(session.id, sql.placeholder('id')))
			.prepare()
	).get({ id });
	if (!row) return { session: null, user: null };
	if (now >= row.session.expiresAt.getTime() || row.user.disabledAt) {
		invalidateSession(db, id);
		return { session: null, user: null };
	}
	if (extend && row.session.expiresAt.getTime() - now < RENEW_WHEN_LEFT) {
		row.session.expiresAt = new Date(now + SESSION_LIFETIME);
		db.update(session).set({ expiresAt: row.session.expiresAt }).where(eq(session.id, id)).run();
	}
	const { disabledAt: _disabled, ...sessionUser } = row.user;
	return { session: row.session, user: sessionUser };
}

/** Ends a session (logout, expiry) and tells its live connections. */
export function invalidateSession(db: Db, sessionId: string) {
	db.delete(session).where(eq(session.id, sessionId)).run();
	publishAccessEvent({ kind: 'sessionsEnded', sessionIds: [sessionId] });
}

/** Reads one cookie from a raw Cookie header (for websocket handshakes, which bypass SvelteKit). */
export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const eqAt = part.indexOf('=');
		if (eqAt < 0) continue;
		if (part.slice(0, eqAt).trim() === name) return decodeURIComponent(part.slice(eqAt + 1).trim());
	}
	return undefined;
}
