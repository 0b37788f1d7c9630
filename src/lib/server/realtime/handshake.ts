/**
 * The checks every websocket handshake passes, for Socket.IO and Yjs alike: the Origin header (when a
 * browser sends one) must be ours, and the session cookie must be valid. Sockets never extend sessions.
 */
import type { IncomingMessage } from 'node:http';
import type { Db } from '../db';
import { loadActor, type Actor } from '../authz';
import {
	readCookie,
	SESSION_COOKIE,
	validateSession,
	validateSessionToken,
	type SessionResult
} from '../session';

/** Browsers always send Origin on websockets; a non-browser client has no victim's cookies to abuse. */
export function originAllowed(req: IncomingMessage, publicOrigin: string | undefined): boolean {
	const origin = req.headers.origin;
	if (!origin) return true;
	if (publicOrigin && origin === publicOrigin) return true;
	try {
		return new URL(origin).host === req.headers.host;
	} catch {
		return false;
	}
}

export type Authenticated = { actor: Actor; sessionId: string; expiresAt: number };

function authenticated(db: Db, { session, user }: SessionResult): Authenticated | null {
	if (!session) return null;
	return { actor: loadActor(db, user), sessionId: session.id, expiresAt: session.expiresAt.getTime() };
}

export function authenticateRequest(db: Db, req: IncomingMessage): Authenticated | null {
	const token = readCookie(req.headers.cookie, SESSION_COOKIE);
	if (!token) return null;
	return authenticated(db, validateSessionToken(db, token, { extend: false }));
}

/** The same check again for an open connection, by the session id it holds. */
export function authenticateSession(db: Db, sessionId: string): Authenticated | null {
	return authenticated(db, validateSession(db, sessionId, { extend: false }));
}

/** Where a handshake came from, the way adapter-node reads it for HTTP (ADDRESS_HEADER, XFF_DEPTH). */
export type AddressSource = { header?: string; xffDepth?: number };

export function handshakeAddress(req: IncomingMessage, { header, xffDepth = 1 }: AddressSource): string {
	if (header) {
		const raw = req.headers[header.toLowerCase()];
		const value = (Array.isArray(raw) ? raw[0] : raw) ?? '';
		if (header.toLowerCase() !== 'x-forwarded-for') return value.trim() || 'unknown';
		const addresses = value.split(',');
		return addresses[Math.max(0, addresses.length - xffDepth)]?.trim() || 'unknown';
	}
	return req.socket.remoteAddress ?? 'unknown';
}
