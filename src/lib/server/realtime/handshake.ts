/**
 * The checks every websocket handshake passes, for Socket.IO and Yjs alike: the Origin header (when a
 * browser sends one) must be ours, and the session cookie must be valid. Sockets never extend sessions.
 */
import type { IncomingMessage } from 'node:http';
import type { Db } from '../db';
import { loadActor, type Actor } from '../authz';
import { readCookie, SESSION_COOKIE, validateSessionToken } from '../session';

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

export type Authenticated = { actor: Actor; sessionId: string };

export function authenticateRequest(db: Db, req: IncomingMessage): Authenticated | null {
	const token = readCookie(req.headers.cookie, SESSION_COOKIE);
	if (!token) return null;
	const { session, user } = validateSessionToken(db, token, { extend: false });
	if (!session) return null;
	return { actor: loadActor(db, user), sessionId: session.id };
}
