/**
 * Ends a session's live connections when it expires, without waiting for their next message: one
 * timer per session that has live connections, set for its expiry. When it fires, the session is read
 * again: slid forward meanwhile (an HTTP request renewed it), the timer is set for the new expiry;
 * expired or gone, the session is ended through the access events, like a logout.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { session } from '../db/schema';
import { publishAccessEvent } from '../domain/access-events';
import { validateSession } from '../session';

/** setTimeout's limit (24.8 days); a session lasting longer is simply read again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** Fire just after the expiry, so the session reads as expired. */
const MARGIN_MS = 20;

export type SessionTimers = {
	/** Watches a session for one more connection; call the returned function when it closes. */
	track(sessionId: string, expiresAt: number): () => void;
	close(): void;
};

export function createSessionTimers(db: Db): SessionTimers {
	const watched = new Map<string, { refs: number; timer: ReturnType<typeof setTimeout> }>();

	const arm = (sessionId: string, expiresAt: number) => {
		const delay = Math.min(MAX_DELAY_MS, Math.max(0, expiresAt - Date.now() + MARGIN_MS));
		const timer = setTimeout(() => fire(sessionId), delay);
		timer.unref();
		return timer;
	};

	function fire(sessionId: string) {
		const entry = watched.get(sessionId);
		if (!entry) return;
		try {
			// Gone already (deleted without the event, e.g. by hand): tell its connections now.
			if (!db.select({ id: session.id }).from(session).where(eq(session.id, sessionId)).get())
				return publishAccessEvent({ kind: 'sessionsEnded', sessionIds: [sessionId] });
			// Expired, it is deleted here, which tells its connections; renewed, wait for the new expiry.
			const { session: valid } = validateSession(db, sessionId, { extend: false });
			if (valid) entry.timer = arm(sessionId, valid.expiresAt.getTime());
		} catch (e) {
			console.error('session expiry check failed', e);
			entry.timer = arm(sessionId, Date.now() + 1000);
		}
	}

	return {
		track(sessionId, expiresAt) {
			const entry = watched.get(sessionId);
			if (entry) entry.refs++;
			else watched.set(sessionId, { refs: 1, timer: arm(sessionId, expiresAt) });
			let released = false;
			return () => {
				const e = watched.get(sessionId);
				if (released || !e) return;
				released = true;
				if (--e.refs > 0) return;
				clearTimeout(e.timer);
				watched.delete(sessionId);
			};
		},
		close() {
			for (const { timer } of watched.values()) clearTimeout(timer);
			watched.clear();
		}
	};
}
