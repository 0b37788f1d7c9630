import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import {
	auditEntry,
	dispatch,
	followUp,
	meeting,
	minutes,
	pointEntry,
	proposal,
	resident,
	resolution,
	rulesComment,
	rulesPublication
} from '$lib/server/db/schema';
import { seedDemo } from '$lib/server/demo';
import { ratingCounts } from '$lib/server/domain/ratings';
import { verifyCommunityChain } from '$lib/server/domain/resolutions';
import { pointsBalance } from '$lib/server/domain/points';
import { emptyDb } from '../helpers/db-templates';

const NOW = Date.UTC(2026, 11, 6, 3, 0); // 11:00 in China
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function seeded(now = NOW) {
	const db = emptyDb();
	const uploadsDir = mkdtempSync(join(tmpdir(), 'yizhan-demo-'));
	dirs.push(uploadsDir);
	const log = console.log;
	console.log = () => {};
	const started = performance.now();
	try {
		expect(await seedDemo(db, 'story', { uploadsDir, now })).toBe(true);
	} finally {
		console.log = log;
	}
	return { db, uploadsDir, ms: performance.now() - started };
}

/**
 * What the story is, without the random parts (tokens, join codes, photo file names, agenda item ids,
 * which the resolutions' hashed content names).
 */
function story(db: Db) {
	return {
		proposals: db
			.select({ t: proposal.title, s: proposal.status, n: proposal.secondCount })
			.from(proposal)
			.all(),
		meetings: db
			.select({ t: meeting.title, s: meeting.status, at: meeting.startsAt, body: meeting.body })
			.from(meeting)
			.all(),
		resolutions: db
			.select({
				seq: resolution.seq,
				outcome: resolution.outcome,
				at: resolution.decidedAt
			})
			.from(resolution)
			.orderBy(asc(resolution.seq))
			.all(),
		followUps: db
			.select({ s: followUp.status, p: followUp.percent, due: followUp.dueOn })
			.from(followUp)
			.all(),
		minutes: db.select({ s: minutes.status, signedAt: minutes.signedAt }).from(minutes).all(),
		points: db
			.select({ r: pointEntry.residentId, a: pointEntry.amount, why: pointEntry.reason })
			.from(pointEntry)
			.all()
	};
}

describe('demo modes', () => {
	it('seeds nothing when off, the roster alone for the tests, and never into a database in use', async () => {
		const off = emptyDb();
		expect(await seedDemo(off, 'off', { uploadsDir: '/nonexistent' })).toBe(false);
		expect(off.select().from(resident).all()).toHaveLength(0);
		const roster = emptyDb();
		const log = console.log;
		console.log = () => {};
		try {
			expect(await seedDemo(roster, 'roster', { uploadsDir: '/nonexistent' })).toBe(true);
			expect(await seedDemo(roster, 'story', { uploadsDir: '/nonexistent' })).toBe(false);
		} finally {
			console.log = log;
		}
		expect(roster.select().from(resident).all()).toHaveLength(42);
		expect(roster.select().from(proposal).all()).toHaveLength(0);
		expect(roster.select().from(meeting).all()).toHaveLength(0);
	});
});

describe('the demo story', () => {
	it('is the same story when seeded twice on the same day, and moves with the seed day', async () => {
		const a = await seeded();
		const b = await seeded();
		console.log(`demo story seeded in ${a.ms.toFixed(0)} ms and ${b.ms.toFixed(0)} ms`);
		expect(story(b.db)).toEqual(story(a.db));
		// Dates follow the seed day: a day later, every meeting is a day later.
		const later = await seeded(NOW + 24 * 3600_000);
		const shift = story(later.db).meetings.map((m) => m.at.getTime() - NOW);
		expect(shift).toEqual(story(a.db).meetings.map((m) => m.at.getTime() - NOW + 24 * 3600_000));
	});

	it('holds every step of the loop, made through the domain functions', async () => {
		const { db, uploadsDir } = await seeded();
		const s = story(db);
		expect(new Set(s.proposals.map((p) => p.s))).toEqual(
			new Set(['open', 'onAgenda', 'resolved', 'declined', 'merged'])
		);
		for (const title of ['电动车乱停堵消防通道', '小区门口车辆逆行', '楼道杂物堆放'])
			expect(s.proposals.find((p) => p.t === title)?.s).toBe('resolved');
		expect(s.proposals.find((p) => p.t.startsWith('潮汐车位'))?.s).toBe('resolved');
		expect(s.meetings.map((m) => m.s)).toEqual(['closed', 'closed', 'closed', 'draft']);
		expect(s.minutes.filter((m) => m.s === 'signed')).toHaveLength(1);

		// Every resolution in the hash chain, in time order, and the chain verifies.
		expect(s.resolutions.length).toBe(11);
		expect(s.resolutions.every((r) => r.outcome === 'passed')).toBe(true);
		const times = s.resolutions.map((r) => r.at.getTime());
		expect(times).toEqual([...times].sort((x, y) => x - y));
		expect(verifyCommunityChain(db, 1)).toBeNull();
		// Closing a poll writes its audit entry: the resolutions were not inserted by hand.
		const closes = db
			.select()
			.from(auditEntry)
			.all()
			.filter((e) => e.action === 'poll.close');
		expect(closes).toHaveLength(s.resolutions.length);

		// Every passed resolution opens a follow-up; those of the 居民公约's seven votes are not started.
		const counted = (status: string) => s.followUps.filter((f) => f.s === status).length;
		expect(['closed', 'done', 'inProgress', 'notStarted'].map(counted)).toEqual([1, 1, 2, 7]);
		const rated = db
			.select()
			.from(followUp)
			.all()
			.find((f) => f.status === 'closed')!;
		expect(ratingCounts(db, rated.id, rated.round)).toEqual({ satisfied: 4, basic: 0, unsatisfied: 1 });
		expect(db.select().from(dispatch).get()).toMatchObject({ status: 'handled' });
		expect(readdirSync(uploadsDir)).toHaveLength(2);
		expect(db.select().from(rulesPublication).all()).toHaveLength(1);
		const open = db
			.select()
			.from(rulesComment)
			.all()
			.filter((c) => c.kind === 'suggestion' && c.status === 'open');
		expect(open).toHaveLength(2);

		// Points: each balance is its ledger's sum, and the story earned more than the year's base.
		const reasons = new Set(s.points.map((p) => p.why));
		for (const why of ['base', 'attend', 'vote', 'rate']) expect(reasons).toContain(why);
		for (const { id } of db.select({ id: resident.id }).from(resident).all())
			expect(pointsBalance(db, id)).toBe(s.points.filter((p) => p.r === id).reduce((sum, p) => sum + p.a, 0));
	});
});
