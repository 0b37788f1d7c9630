/**
 * `npm run backup` while the app runs: phones keep voting while the backup is taken; the copy is whole
 * (every stored ballot with its alias), and a server restored from it serves the open poll, and the
 * phones that resend their ballots after the restore are counted once each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { building, household, resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { checkIn } from '$lib/server/domain/attendance';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { makeReceipt } from '$lib/receipt';
import type { CastResult } from '$lib/realtime/poll';
import type { MeetingState } from '$lib/realtime/meeting';
import { startServer, type TestServer } from '../helpers/server';
import { ok, socketPool } from '../helpers/sockets';
import { residentsOf } from '../helpers/residents';
import { login } from '../helpers/http';
import { DEFAULT_RULES } from '$lib/server/domain/tally';

const run = promisify(execFile);
const VOTERS = 60;

let server: TestServer;
let restored: TestServer | undefined;
let db: Db;
const backupDir = mkdtempSync(join(tmpdir(), 'yizhan-backup-'));
const pool = socketPool(() => (restored ?? server).url);
const { cookieFor, actorOf } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
	await restored?.cleanup();
	rmSync(backupDir, { recursive: true, force: true });
});

function votersMeeting() {
	const people = db.transaction((tx) => {
		const buildingId = tx
			.insert(building)
			.values({ communityId: 1, estateId: 1, name: '备份楼' })
			.returning()
			.get().id;
		const list = Array.from({ length: VOTERS }, (_, i) => {
			const householdId = tx
				.insert(household)
				.values({ buildingId, unit: `${i + 101}` })
				.returning()
				.get().id;
			return tx
				.insert(resident)
				.values({ householdId, name: `备份住户${i + 1}` })
				.returning()
				.get().id;
		});
		return { buildingId, list };
	});
	const f = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
	const meetingId = createMeeting(db, loadActor(db, f), {
		title: '备份楼表决会',
		scopeType: 'building',
		scopeId: people.buildingId,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	return { meetingId, residentIds: people.list };
}

describe('backup and restore', () => {
	it('copies the database consistently while phones vote, and a restored server counts resent ballots once', async () => {
		const { meetingId, residentIds } = votersMeeting();
		const console_ = await pool.connected(await login(server.url, 'facilitator'));
		await ok(console_, 'meeting:join', { meetingId, as: 'console' });
		await ok(console_, 'meeting:open', { meetingId });
		const code = getMeeting(db, meetingId).joinCode;
		db.transaction(() => residentIds.forEach((id) => checkIn(db, actorOf(id), meetingId, code)));
		const { pollId } = await ok<{ pollId: number }>(console_, 'poll:open', {
			meetingId,
			agendaItemId: null,
			question: '是否同意更换单元门禁？',
			type: 'yesNoAbstain',
			rules: DEFAULT_RULES,
			durationSeconds: null
		});
		const cookies = residentIds.map((id) => cookieFor(id));
		const ballots = residentIds.map((_, i) => ({
			pollId,
			ballotId: crypto.randomUUID(),
			receipt: makeReceipt(),
			choices: [i % 3 === 0 ? 'no' : 'yes']
		}));
		const cast = async (from: number, to: number) => {
			for (let i = from; i < to; i++) {
				const phone = await pool.connected(cookies[i]);
				await ok(phone, 'meeting:join', { meetingId, as: 'phone' });
				await ok<CastResult>(phone, 'ballot:cast', ballots[i]);
				phone.close();
			}
		};

		// Voting goes on while the backup runs in its own process.
		const voting = cast(0, VOTERS);
		const env = { ...process.env, DATABASE_PATH: server.dbPath };
		const { stdout } = await run(process.execPath, ['build/server/backup.js', backupDir], { env });
		await voting;
		expect(stdout).toContain('integrity ok');

		// The copy holds whole ballots only: each stored vote with the alias its transaction wrote.
		const copyPath = join(backupDir, 'yizhan.db');
		const copy = new Database(copyPath, { readonly: true });
		const inCopy = copy.prepare('SELECT count(*) AS n FROM poll_vote WHERE poll_id = ?').get(pollId) as {
			n: number;
		};
		const orphans = copy
			.prepare(
				'SELECT count(*) AS n FROM poll_vote v LEFT JOIN poll_ballot_alias a ON a.vote_id = v.id WHERE a.vote_id IS NULL'
			)
			.get() as { n: number };
		const opened = copy.prepare("SELECT count(*) AS n FROM audit_entry WHERE action = 'poll.open'").get() as {
			n: number;
		};
		copy.close();
		console.log(`the backup holds ${inCopy.n} of the ${VOTERS} ballots`);
		expect(orphans.n).toBe(0);
		expect(opened.n).toBe(1);
		expect(inCopy.n).toBeLessThanOrEqual(VOTERS);
		expect(stdout).toContain(`poll_vote ${inCopy.n}`);

		// Restore: the original is gone; a server starts on the copy (docs/operations.md, "Backups").
		await server.stop('SIGKILL');
		pool.closeAll();
		restored = await startServer({ dbPath: copyPath });
		const again = await pool.connected(await login(restored.url, 'facilitator'));
		const { state } = await ok<{ state: MeetingState }>(again, 'meeting:join', { meetingId, as: 'console' });
		const view = state.polls.find((p) => p.id === pollId)!;
		expect(view.status).toBe('open');
		expect(view.tally?.participating).toBe(inCopy.n);

		// Every phone resends the ballot it holds: those in the copy are answered as duplicates.
		const answers: CastResult[] = [];
		for (const [i, b] of ballots.entries()) {
			const phone = await pool.connected(cookies[i]);
			await ok(phone, 'meeting:join', { meetingId, as: 'phone' });
			answers.push(await ok<CastResult>(phone, 'ballot:cast', b));
			phone.close();
		}
		expect(answers.filter((a) => a.duplicate)).toHaveLength(inCopy.n);
		expect(answers.map((a) => a.receipt)).toEqual(ballots.map((b) => b.receipt));
		const after = new Database(copyPath, { readonly: true });
		const stored = after.prepare('SELECT count(*) AS n FROM poll_vote WHERE poll_id = ?').get(pollId) as {
			n: number;
		};
		after.close();
		expect(stored.n).toBe(VOTERS);
	});

	it('shows the audit log to admins only, on the restored server', async () => {
		const page = await fetch(`${restored!.url}/admin/audit`, {
			headers: { cookie: await login(restored!.url, 'admin') }
		});
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('开启表决');
		expect(html).toContain('表决 #');
		const refused = await fetch(`${restored!.url}/admin/audit`, {
			headers: { cookie: await login(restored!.url, 'facilitator') },
			redirect: 'manual'
		});
		expect(refused.status).toBe(403);
	});
});
