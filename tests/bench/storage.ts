/**
 * 3. Vote storage: database time to store a 2,000-ballot burst with synchronous=FULL (the app's
 * setting), each ballot acknowledged only after its transaction commits: one commit per ballot, and
 * through the server's group commit. Run in this process on a temporary database with the app's own
 * domain code; the baseline is a bare INSERT of the same rows into a bare table, same pragmas.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { seedDemoIfEmpty } from '$lib/server/domain/demo-seed';
import { castBallot } from '$lib/server/domain/ballots';
import { openMeeting } from '$lib/server/domain/meetings';
import { openPoll } from '$lib/server/domain/polls';
import { createGroupCommit } from '$lib/server/realtime/group-commit';
import type { DocumentStore } from '$lib/server/yjs';
import { checkInAll, newBuilding, newMeeting, userNamed } from './lib/seed';
import { median, scaled } from './lib/stats';

const noDocs: DocumentStore = {
	change: () => {
		throw new Error('not in this bench');
	},
	read: () => {
		throw new Error('not in this bench');
	},
	reconnectAll: () => {}
};

export type StorageResult = {
	ballots: number;
	batch: number;
	app: { perBallotCommitMs: number; groupCommitMs: number };
	baseline: { perBallotCommitMs: number; groupCommitMs: number };
	storedOk: boolean;
};

const RULES = {
	votingUnit: 'household',
	whoMayVote: 'present',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
} as const;

export async function storage(log: (s: string) => void): Promise<StorageResult> {
	const n = scaled(2000, 20);
	const batch = 100;
	const reps = Number(process.env.BENCH_REPS ?? 3);
	const dir = mkdtempSync(join(tmpdir(), 'yizhan-bench-storage-'));
	try {
		const db = openDatabase(join(dir, 'app.db'));
		await seedDemoIfEmpty(db);
		const { buildingId, people } = newBuilding(db, '存储楼', n);
		const { meetingId } = newMeeting(db, buildingId);
		const facilitator = loadActor(db, userNamed(db, 'facilitator'));
		openMeeting(db, facilitator, meetingId);
		checkInAll(db, meetingId, people);
		const actors = people.map((p) =>
			loadActor(db, db.select().from(user).where(eq(user.id, p.userId)).get()!)
		);
		const raw = new Database(join(dir, 'raw.db'));
		raw.pragma('journal_mode = WAL');
		raw.pragma('synchronous = FULL');
		raw.exec(
			'create table vote (id integer primary key, poll integer, unit text, ballot text, receipt text, choices text, unique (poll, unit))'
		);
		const insert = raw.prepare(
			'insert into vote (poll, unit, ballot, receipt, choices) values (?, ?, ?, ?, ?)'
		);
		const commit = createGroupCommit(db);
		let poll = 0;
		const newPoll = () =>
			openPoll(db, noDocs, facilitator, {
				meetingId,
				agendaItemId: null,
				question: `第${++poll}次存储测试`,
				type: 'yesNoAbstain',
				rules: { ...RULES },
				durationSeconds: null
			});
		const ballot = (pollId: number, i: number) => ({
			pollId,
			ballotId: `s${pollId}-${i}-xxxxxxxx`,
			receipt: receiptOf(pollId * 10_000 + i),
			choices: [['yes', 'no', 'abstain'][i % 3]]
		});
		const closeOpen = () =>
			db.$client.prepare("update poll set status = 'closed' where status = 'open'").run();

		const appEach: number[] = [];
		const appGroup: number[] = [];
		const rawEach: number[] = [];
		const rawGroup: number[] = [];
		let storedOk = true;
		for (let rep = 0; rep < reps; rep++) {
			// One commit (one fsync) per ballot: slow and disk-bound, so measured in the first round only.
			let pollId: number;
			let t: number;
			if (rep === 0) {
				closeOpen();
				pollId = newPoll();
				t = performance.now();
				for (let i = 0; i < n; i++) castBallot(db, actors[i], { ...ballot(pollId, i), channel: 'phone' });
				appEach.push(performance.now() - t);
			}
			// Group commit, ballots arriving `batch` per tick.
			closeOpen();
			pollId = newPoll();
			t = performance.now();
			for (let i = 0; i < n; i += batch) {
				const jobs = [];
				for (let k = i; k < Math.min(n, i + batch); k++)
					jobs.push(commit(() => castBallot(db, actors[k], { ...ballot(pollId, k), channel: 'phone' })));
				await Promise.all(jobs);
			}
			appGroup.push(performance.now() - t);
			const stored = db.$client.prepare('select count(*) c from poll_vote where poll_id = ?').get(pollId) as {
				c: number;
			};
			storedOk &&= stored.c === n;
			// The bare table, same pragmas.
			if (rep === 0) {
				t = performance.now();
				for (let i = 0; i < n; i++) {
					const b = ballot(1000 + rep * 2, i);
					insert.run(b.pollId, `h${i}`, b.ballotId, b.receipt, JSON.stringify(b.choices));
				}
				rawEach.push(performance.now() - t);
			}
			t = performance.now();
			const many = raw.transaction((from: number, to: number, p: number) => {
				for (let i = from; i < to; i++) {
					const b = ballot(p, i);
					insert.run(b.pollId, `h${i}`, b.ballotId, b.receipt, JSON.stringify(b.choices));
				}
			});
			for (let i = 0; i < n; i += batch) many(i, Math.min(n, i + batch), 1001 + rep * 2);
			rawGroup.push(performance.now() - t);
			log(
				`storage #${rep + 1}: app ${appEach.at(-1)!.toFixed(0)} ms per-commit (first round), ${appGroup.at(-1)!.toFixed(1)} ms grouped; ` +
					`raw ${rawEach.at(-1)!.toFixed(0)} / ${rawGroup.at(-1)!.toFixed(1)} ms`
			);
		}
		raw.close();
		db.$client.close();
		return {
			ballots: n,
			batch,
			app: { perBallotCommitMs: median(appEach), groupCommitMs: median(appGroup) },
			baseline: { perBallotCommitMs: median(rawEach), groupCommitMs: median(rawGroup) },
			storedOk
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function receiptOf(x: number) {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	let r = '';
	for (let i = 0; i < 10; i++, x = Math.floor(x / alphabet.length)) r += alphabet[x % alphabet.length];
	return r;
}
