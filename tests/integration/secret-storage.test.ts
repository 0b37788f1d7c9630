/**
 * The real server's files, read the way someone holding a copy would (tests/helpers/ballot-linkage.ts):
 * 30 phones vote in a secret poll in bursts; a raw copy of the files and an `npm run backup` copy are
 * taken while it is open, then the console closes it and the live files and another backup are read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { asc, eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { building, household, pollChoice, pollVote, resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { checkIn } from '$lib/server/domain/attendance';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { DEFAULT_RULES } from '$lib/server/domain/tally';
import { makeReceipt } from '$lib/receipt';
import type { CastResult } from '$lib/realtime/poll';
import { startServer, type TestServer } from '../helpers/server';
import { ok, refused, socketPool } from '../helpers/sockets';
import { residentsOf } from '../helpers/residents';
import { login } from '../helpers/http';
import { countBytes, pageImages, readShm } from '../helpers/sqlite-pages';
import {
	findReceipts,
	linkage,
	linkageWithinBatches,
	poissonLimit,
	boxReceipts
} from '../helpers/ballot-linkage';

const run = promisify(execFile);
const VOTERS = 30;
const BURST = 10;
const CHOICES = ['yes', 'no', 'abstain'];

let server: TestServer;
let db: Db;
const work = mkdtempSync(join(tmpdir(), 'yizhan-secret-files-'));
const pool = socketPool(() => server.url);
const { cookieFor, actorOf } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
	rmSync(work, { recursive: true, force: true });
});

/** A building of 30 households, a live meeting with everyone checked in, and a secret poll open. */
async function secretPollOpen() {
	const ids = db.transaction((tx) => {
		const buildingId = tx
			.insert(building)
			.values({ communityId: 1, estateId: 1, name: '保密楼' })
			.returning()
			.get().id;
		const list = Array.from({ length: VOTERS }, (_, i) => {
			const householdId = tx
				.insert(household)
				.values({ buildingId, unit: `${201 + i}` })
				.returning()
				.get().id;
			return tx
				.insert(resident)
				.values({ householdId, name: `保密住户${i + 1}` })
				.returning()
				.get().id;
		});
		return { buildingId, list };
	});
	const f = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
	const meetingId = createMeeting(db, loadActor(db, f), {
		title: '保密楼表决会',
		scopeType: 'building',
		scopeId: ids.buildingId,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	const console_ = await pool.connected(await login(server.url, 'facilitator'));
	await ok(console_, 'meeting:join', { meetingId, as: 'console' });
	await ok(console_, 'meeting:open', { meetingId });
	const code = getMeeting(db, meetingId).joinCode;
	db.transaction(() => ids.list.forEach((id) => checkIn(db, actorOf(id), meetingId, code)));
	const { pollId } = await ok<{ pollId: number }>(console_, 'poll:open', {
		meetingId,
		agendaItemId: null,
		question: '是否更换物业公司？',
		type: 'yesNoAbstain',
		rules: { ...DEFAULT_RULES, secret: true, liveTally: false },
		durationSeconds: null
	});
	return { meetingId, pollId, console_, residentIds: ids.list };
}

/** Each voter's receipt, in voting order as stored (poll_vote ids: who voted is public). */
function truthInVotingOrder(pollId: number, receiptOf: Map<number, string>): string[] {
	return db
		.select({ r: pollVote.voterResidentId })
		.from(pollVote)
		.where(eq(pollVote.pollId, pollId))
		.orderBy(asc(pollVote.id))
		.all()
		.map((v) => receiptOf.get(v.r)!);
}

function copyFiles(to: string): string {
	mkdirSync(to, { recursive: true });
	for (const ext of ['', '-wal', '-shm'])
		if (existsSync(server.dbPath + ext)) cpSync(server.dbPath + ext, join(to, `yizhan.db${ext}`));
	return join(to, 'yizhan.db');
}

async function npmBackup(to: string): Promise<string> {
	const env = { ...process.env, DATABASE_PATH: server.dbPath };
	const { stdout } = await run(process.execPath, ['build/server/backup.js', to], { env });
	expect(stdout).toContain('integrity ok');
	return join(to, 'yizhan.db');
}

const limit = poissonLimit(1);

describe('a secret poll in the real server’s files', () => {
	it('links no voter to a choice better than chance: within a commit while open, not at all after close or in a backup', async () => {
		const { meetingId, pollId, console_, residentIds } = await secretPollOpen();
		const phones = await Promise.all(residentIds.map((id) => pool.connected(cookieFor(id))));
		await Promise.all(phones.map((p) => ok(p, 'meeting:join', { meetingId, as: 'phone' })));
		const ballots = residentIds.map(() => ({
			pollId,
			ballotId: crypto.randomUUID(),
			receipt: makeReceipt(),
			choices: [CHOICES[Math.floor(Math.random() * 3)]]
		}));
		// Bursts of phones voting at once, so group commit stores several ballots per transaction.
		for (let i = 0; i < VOTERS; i += BURST)
			await Promise.all(
				phones.slice(i, i + BURST).map((p, j) => ok<CastResult>(p, 'ballot:cast', ballots[i + j]))
			);
		const receiptOf = new Map(residentIds.map((id, i) => [id, ballots[i].receipt]));
		const truth = truthInVotingOrder(pollId, receiptOf);

		// While open, a raw copy of the files: the attacker reads every receipt from the ballot box's
		// cells and which commit wrote it, but inside one commit the order is a shuffle.
		const open = pageImages(copyFiles(join(work, 'open')));
		expect(boxReceipts(open, pollId)).toEqual(new Set(truth));
		const found = findReceipts(open, truth);
		const byCommit = new Map<number, string[]>();
		for (const r of truth) {
			const c = found.get(r)!.commit;
			if (c >= 0) byCommit.set(c, [...(byCommit.get(c) ?? []), r]);
		}
		const within = linkageWithinBatches([...byCommit.values()], found);
		console.log(
			`open copy: ${byCommit.size} commits (${[...byCommit.values()].map((b) => b.length).join('+')}), within them ${within.linked} of ${within.n} linked, z = ${within.z.toFixed(2)}`
		);
		expect(within.linked).toBeLessThan(poissonLimit(Math.max(within.batches, 1)));
		expect(Math.abs(within.z)).toBeLessThan(3.5);

		// `npm run backup` while the poll is open: every ballot is in the copy, in no order of arrival.
		const openBackup = await npmBackup(join(work, 'backup-open'));
		const inBackup = findReceipts(pageImages(openBackup), truth);
		expect(inBackup.size).toBe(VOTERS);
		const b = linkage(truth, inBackup);
		console.log(`backup while open: ${b.linked} of ${b.n} linked, z = ${b.z.toFixed(2)}`);
		expect(b.linked).toBeLessThan(limit);
		expect(Math.abs(b.z)).toBeLessThan(3.5);

		await ok(console_, 'poll:close', { pollId });
		expect(db.select().from(pollChoice).where(eq(pollChoice.pollId, pollId)).all()).toEqual([]);
		// After close, the live files: main, WAL (truncated at close) and shm.
		const live = copyFiles(join(work, 'closed'));
		const after = linkage(truth, findReceipts(pageImages(live), truth));
		console.log(`after close: ${after.linked} of ${after.n} linked, z = ${after.z.toFixed(2)}`);
		expect(after.linked).toBeLessThan(limit);
		expect(Math.abs(after.z)).toBeLessThan(3.5);
		const shm = readShm(`${live}-shm`).bytes;
		const pages = pageImages(live).map((p) => p.data);
		for (const r of truth) {
			expect(countBytes(shm, r)).toBe(0);
			// Once at most: in the resolution's sorted list (a receipt may straddle two of its pages).
			expect(pages.reduce((n, d) => n + countBytes(d, r), 0)).toBeLessThanOrEqual(1);
		}
		// And a backup after close.
		const closedBackup = await npmBackup(join(work, 'backup-closed'));
		const c = linkage(truth, findReceipts(pageImages(closedBackup), truth));
		console.log(`backup after close: ${c.linked} of ${c.n} linked, z = ${c.z.toFixed(2)}`);
		expect(c.linked).toBeLessThan(limit);
		expect(Math.abs(c.z)).toBeLessThan(3.5);

		// A phone whose ack was lost still learns its ballot counted, with its own receipt only.
		expect(await ok<CastResult>(phones[0], 'ballot:cast', ballots[0])).toEqual({
			receipt: ballots[0].receipt,
			duplicate: true
		});
		expect(await refused(phones[0], 'ballot:cast', { ...ballots[0], receipt: ballots[1].receipt })).toBe(
			'INVALID_INPUT'
		);
	});
});
