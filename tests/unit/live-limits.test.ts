/**
 * The small parts behind the live limits: canonical document names and their size budgets, the
 * migration that drops shadow documents, the cap on failed anonymous handshakes, the session expiry
 * timers, and what a browser's provider does with each close code.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase } from '$lib/server/db';
import { community, session, user, yjsSnapshot, yjsUpdate } from '$lib/server/db/schema';
import { documentAccess, documentBudget, parseDocumentName } from '$lib/server/domain/documents';
import { subscribeAccessEvents, type AccessEvent } from '$lib/server/domain/access-events';
import { HandshakeLimiter } from '$lib/server/realtime/handshake-limit';
import { createSessionTimers } from '$lib/server/realtime/session-timers';
import { createSession, generateSessionToken, SESSION_LIFETIME } from '$lib/server/session';
import { CloseCode, finalCloseReason, shouldReconnect } from '$lib/realtime/protocol';
import { demoDb, staff } from '../helpers/demo-db';

afterEach(() => vi.useRealTimers());

describe('document names', () => {
	it('accepts only canonical ids, so one document has one name', () => {
		expect(parseDocumentName('rules:1')).toEqual({ kind: 'rules', id: 1 });
		expect(parseDocumentName('meeting:120:agenda')).toEqual({ kind: 'agenda', id: 120 });
		expect(parseDocumentName('building:7:notes')).toEqual({ kind: 'notes', id: 7 });
		for (const name of [
			'rules:01',
			'rules:001',
			'rules:0',
			'meeting:0001:agenda',
			'building:01:notes',
			'rules:1 ',
			'rules:+1',
			'rules:1e0',
			'rules:1234567890'
		])
			expect(parseDocumentName(name)).toBeNull();
	});

	it('answers NOT_FOUND for a shadow name even to a writer of the real one', async () => {
		const db = await demoDb();
		const committee = staff(db, 'committee');
		expect(documentAccess(db, committee, 'rules:1')).toBe('write');
		expect(() => documentAccess(db, committee, 'rules:01')).toThrow('NOT_FOUND');
	});

	it('gives each kind its budget and none to a name that is not a document', () => {
		expect(documentBudget('building:1:notes')).toBe(1024 * 1024);
		expect(documentBudget('meeting:1:agenda')).toBe(2 * 1024 * 1024);
		expect(documentBudget('rules:1')).toBe(4 * 1024 * 1024);
		expect(documentBudget('rules:01')).toBe(0);
	});

	it('the migration drops stored shadow documents and keeps every canonical one', () => {
		const db = openDatabase(':memory:');
		const names = [
			'rules:1',
			'rules:01',
			'meeting:3:agenda',
			'meeting:03:agenda',
			'building:10:notes',
			'building:0:notes'
		];
		for (const docName of names) {
			db.insert(yjsUpdate)
				.values({ docName, update: Buffer.from([0, 0]) })
				.run();
			db.insert(yjsSnapshot)
				.values({ docName, state: Buffer.from([0, 0]), updatedAt: new Date() })
				.run();
		}
		const sql = readFileSync(
			new URL('../../drizzle/0015_remove_shadow_documents.sql', import.meta.url),
			'utf8'
		);
		for (const statement of sql.split('--> statement-breakpoint')) db.$client.exec(statement);
		const kept = ['rules:1', 'meeting:3:agenda', 'building:10:notes'];
		expect(
			db
				.select()
				.from(yjsUpdate)
				.all()
				.map((r) => r.docName)
				.sort()
		).toEqual([...kept].sort());
		expect(
			db
				.select()
				.from(yjsSnapshot)
				.all()
				.map((r) => r.docName)
				.sort()
		).toEqual([...kept].sort());
	});
});

describe('the cap on failed anonymous handshakes', () => {
	it('holds an address at its cap, counts a burst before any answer, and gives places back on success', () => {
		const limiter = new HandshakeLimiter(3, 60_000);
		expect([1, 2, 3].map(() => limiter.reserve('a', 0))).toEqual([true, true, true]);
		expect(limiter.reserve('a', 0)).toBe(false);
		expect(limiter.reserve('b', 0)).toBe(true); // another address is not held back
		limiter.release('a'); // one of them was a projector with the right code
		expect(limiter.reserve('a', 1)).toBe(true);
		expect(limiter.reserve('a', 1)).toBe(false);
		expect(limiter.reserve('a', 60_000)).toBe(true); // a new window
	});
});

describe('session expiry timers', () => {
	function world() {
		const db = openDatabase(':memory:');
		const communityId = db.insert(community).values({ name: '测试社区' }).returning().get().id;
		const userId = db.insert(user).values({ communityId, displayName: '张三' }).returning().get().id;
		const events: AccessEvent[] = [];
		const off = subscribeAccessEvents((e) => events.push(e));
		const session_ = (expiresInMs: number) =>
			createSession(db, generateSessionToken(), userId, Date.now() - SESSION_LIFETIME + expiresInMs);
		return { db, events, off, session_ };
	}

	it('ends a session with live connections when it expires, and one renewed meanwhile only later', async () => {
		vi.useFakeTimers();
		const { db, events, off, session_ } = world();
		const timers = createSessionTimers(db);
		const expiring = session_(1_000);
		const renewed = session_(1_000);
		timers.track(expiring.id, expiring.expiresAt.getTime());
		timers.track(renewed.id, renewed.expiresAt.getTime());
		const later = new Date(Date.now() + 5_000);
		db.update(session).set({ expiresAt: later }).where(eq(session.id, renewed.id)).run();
		await vi.advanceTimersByTimeAsync(1_100);
		expect(events).toEqual([{ kind: 'sessionsEnded', sessionIds: [expiring.id] }]);
		expect(db.select().from(session).where(eq(session.id, expiring.id)).get()).toBeUndefined();
		await vi.advanceTimersByTimeAsync(4_000);
		expect(events).toHaveLength(2);
		expect(events[1]).toEqual({ kind: 'sessionsEnded', sessionIds: [renewed.id] });
		timers.close();
		off();
	});

	it('stops watching a session once its last connection closed', async () => {
		vi.useFakeTimers();
		const { db, events, off, session_ } = world();
		const timers = createSessionTimers(db);
		const s = session_(1_000);
		const releaseA = timers.track(s.id, s.expiresAt.getTime());
		const releaseB = timers.track(s.id, s.expiresAt.getTime());
		releaseA();
		releaseA(); // twice is once
		await vi.advanceTimersByTimeAsync(1_100);
		expect(events).toHaveLength(1); // B is still open
		const t = session_(1_000);
		const releaseC = timers.track(t.id, t.expiresAt.getTime());
		releaseC();
		releaseB();
		await vi.advanceTimersByTimeAsync(2_000);
		expect(events).toHaveLength(1);
		timers.close();
		off();
	});
});

describe('close codes in the browser', () => {
	it('reconnects on transient closes and stops on final ones, with words for each', () => {
		for (const code of [1001, 1006, 1011, CloseCode.Reauthorize, CloseCode.TooManyMessages])
			expect(shouldReconnect({ code })).toBe(true);
		for (const code of [
			CloseCode.Unauthenticated,
			CloseCode.Forbidden,
			CloseCode.NotFound,
			CloseCode.DocumentTooLarge,
			CloseCode.WriterOverBudget,
			1009
		])
			expect(shouldReconnect({ code })).toBe(false);
		expect(finalCloseReason(CloseCode.DocumentTooLarge)).toBe('tooLarge');
		expect(finalCloseReason(1009)).toBe('tooLarge');
		expect(finalCloseReason(CloseCode.WriterOverBudget)).toBe('tooFast');
		expect(finalCloseReason(CloseCode.Forbidden)).toBe('denied');
	});
});
