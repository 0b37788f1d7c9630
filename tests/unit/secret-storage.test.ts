/**
 * A secret poll read from its files, not through the app: someone holding a copy of the database (its
 * `-wal` and `-shm` too, or a backup) parses the pages and tries to pair voters with receipts by
 * where and when each receipt was written (tests/helpers/ballot-linkage.ts says how, and how it is
 * judged). Ballots go through the real group commit, three batches of ten, on a file database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { building, household, pollVote, resident, user } from '$lib/server/db/schema';
import { loadActor, type Actor } from '$lib/server/authz';
import { seedDemoIfEmpty } from '$lib/server/domain/demo-seed';
import { createMeeting, getMeeting, openMeeting } from '$lib/server/domain/meetings';
import { checkIn } from '$lib/server/domain/attendance';
import { castBallot } from '$lib/server/domain/ballots';
import { openPoll } from '$lib/server/domain/polls';
import { closePoll } from '$lib/server/domain/resolutions';
import { DEFAULT_RULES } from '$lib/server/domain/tally';
import { createYjsServer } from '$lib/server/yjs';
import { createGroupCommit } from '$lib/server/realtime/group-commit';
import { makeReceipt } from '$lib/receipt';
import { backup } from '../../server/backup';
import { countBytes, pageImages, readShm, readWal } from '../helpers/sqlite-pages';
import {
	boxReceipts,
	findReceipts,
	linkage,
	linkageWithinBatches,
	poissonLimit
} from '../helpers/ballot-linkage';

const VOTERS = 30;
const BATCH = 10;
const T0 = Date.UTC(2026, 10, 27, 11);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function fileDb() {
	const dir = mkdtempSync(join(tmpdir(), 'yizhan-secret-'));
	dirs.push(dir);
	const path = join(dir, 'yizhan.db');
	const db = openDatabase(path);
	const log = console.log;
	console.log = () => {};
	try {
		await seedDemoIfEmpty(db);
	} finally {
		console.log = log;
	}
	return { db, path, dir };
}

/** A building of 30 households, all checked in at a live meeting with a secret poll open. */
async function secretPoll() {
	const { db, path, dir } = await fileDb();
	const docs = createYjsServer({ db });
	const f = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	const buildingId = db
		.insert(building)
		.values({ communityId: 1, estateId: 1, name: '无记名楼' })
		.returning()
		.get().id;
	const voters: Actor[] = Array.from({ length: VOTERS }, (_, i) => {
		const householdId = db
			.insert(household)
			.values({ buildingId, unit: `${101 + i}` })
			.returning()
			.get().id;
		const r = db
			.insert(resident)
			.values({ householdId, name: `住户${i + 1}` })
			.returning()
			.get();
		const u = db
			.insert(user)
			.values({ communityId: 1, displayName: r.name, residentId: r.id })
			.returning()
			.get();
		return loadActor(db, u);
	});
	const meetingId = createMeeting(db, f, {
		title: '无记名表决',
		scopeType: 'building',
		scopeId: buildingId,
		startsAt: new Date(T0),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	openMeeting(db, f, meetingId, T0);
	const code = getMeeting(db, meetingId).joinCode;
	for (const v of voters) checkIn(db, v, meetingId, code, T0);
	const pollId = openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: null,
			question: '是否更换物业公司？',
			type: 'yesNoAbstain',
			rules: { ...DEFAULT_RULES, secret: true, liveTally: false },
			durationSeconds: null
		},
		T0
	);
	return { db, path, dir, f, voters, pollId };
}

const CHOICES = ['yes', 'no', 'abstain'];

/** Casts every voter's ballot through group commit, BATCH ballots per tick; returns each batch's receipts in voting order. */
async function voteInBatches(db: Db, voters: Actor[], pollId: number): Promise<string[][]> {
	const commit = createGroupCommit(db);
	const batches: string[][] = [];
	for (let i = 0; i < voters.length; i += BATCH) {
		const batch = voters.slice(i, i + BATCH).map((v) => ({
			v,
			ballot: {
				pollId,
				ballotId: crypto.randomUUID(),
				receipt: makeReceipt(),
				choices: [CHOICES[Math.floor(Math.random() * 3)]]
			}
		}));
		await Promise.all(batch.map(({ v, ballot }) => commit(() => castBallot(db, v, ballot, T0 + i))));
		batches.push(batch.map((b) => b.ballot.receipt));
	}
	// The voting order as stored (public): poll_vote ids.
	const order = db
		.select({ resident: pollVote.voterResidentId })
		.from(pollVote)
		.where(eq(pollVote.pollId, pollId))
		.orderBy(pollVote.id)
		.all()
		.map((r) => r.resident);
	expect(order).toEqual(voters.map((v) => v.residentId));
	return batches;
}

const limit = poissonLimit(1);

describe('a secret poll in the database file', () => {
	it('after close, the main file, its WAL and shm, and a backup link no voter to a receipt better than chance', async () => {
		const { db, path, dir, f, voters, pollId } = await secretPoll();
		const batches = await voteInBatches(db, voters, pollId);
		const truth = batches.flat();
		closePoll(db, f, pollId, T0 + 60_000);

		const found = findReceipts(pageImages(path), truth);
		const after = linkage(truth, found);
		console.log(`after close: ${after.linked} of ${after.n} linked, z = ${after.z.toFixed(2)}`);
		expect(after.linked).toBeLessThan(limit);
		expect(Math.abs(after.z)).toBeLessThan(3.5);
		// Nothing is left over anywhere: each receipt is written once, in the published list.
		const wal = readWal(`${path}-wal`);
		const shm = readShm(`${path}-shm`);
		// The WAL is truncated at close; the shm keeps only page numbers of frames that are gone.
		expect(wal.bytes).toBe(0);
		expect(shm.mxFrame).toBe(0);
		const files = [
			pageImages(path)
				.filter((p) => p.frame === null)
				.map((p) => p.data),
			[shm.bytes]
		].flat();
		for (const r of truth) expect(files.reduce((n, d) => n + countBytes(d, r), 0)).toBeLessThanOrEqual(1);
		// A backup after close: the same.
		const copy = await backup(path, join(dir, 'backup'));
		const inCopy = linkage(truth, findReceipts(pageImages(copy.database), truth));
		expect(inCopy.linked).toBeLessThan(limit);
		expect(Math.abs(inCopy.z)).toBeLessThan(3.5);
		db.$client.close();
	});

	it('while open, one copy links no better than chance within the ballots committed together', async () => {
		const { db, path, voters, pollId } = await secretPoll();
		const batches = await voteInBatches(db, voters, pollId);
		const images = pageImages(path);
		// The attacker reads every receipt from the box's cells, and which commit wrote it: the batches
		// are what it can tell apart.
		expect(boxReceipts(images, pollId)).toEqual(new Set(batches.flat()));
		const found = findReceipts(images, batches.flat());
		const commits = batches.map((b) => new Set(b.map((r) => found.get(r)!.commit)));
		expect(commits.every((c) => c.size === 1)).toBe(true);
		const within = linkageWithinBatches(batches, found);
		console.log(
			`open, within ${within.batches} batches: ${within.linked} of ${within.n} linked, z = ${within.z.toFixed(2)}`
		);
		expect(within.linked).toBeLessThan(poissonLimit(within.batches));
		expect(Math.abs(within.z)).toBeLessThan(3.5);
		db.$client.close();
	});

	it('a backup taken while the poll is open holds no order of the ballot box', async () => {
		const { db, path, dir, voters, pollId } = await secretPoll();
		const truth = (await voteInBatches(db, voters, pollId)).flat();
		const copy = await backup(path, join(dir, 'backup'));
		const found = findReceipts(pageImages(copy.database), truth);
		expect(found.size).toBe(VOTERS); // the open poll's ballots are in the copy, to be counted after a restore
		const l = linkage(truth, found);
		console.log(`backup while open: ${l.linked} of ${l.n} linked, z = ${l.z.toFixed(2)}`);
		expect(l.linked).toBeLessThan(limit);
		expect(Math.abs(l.z)).toBeLessThan(3.5);
		db.$client.close();
	});
});
