/**
 * 积分 over the real server: a building meeting with phone check-ins (one checked in twice), a resident
 * marked present, absent and present again, a named and a secret poll over sockets with retried
 * ballots, a follow-up rated over HTTP (once refused as a second rating) must leave exactly the
 * expected ledger. Then staff pages: a redemption beyond the balance is refused, one within it is
 * booked, a resident cannot record points, and the CSV export is staff-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, count, eq, inArray } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { followUp, pointEntry, pointRule, pollVote, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { assignFollowUp, reportProgress } from '$lib/server/domain/follow-ups';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import type { CastResult, PublicRules } from '$lib/realtime/poll';
import { startServer, type TestServer } from '../helpers/server';
import { ok, request, socketPool } from '../helpers/sockets';
import { residentsOf } from '../helpers/residents';
import { ballotIds } from '../helpers/ballot-ids';
import { login, postForm } from '../helpers/http';
import { addBuilding } from '../helpers/roster-fixtures';

let server: TestServer;
let db: Db;
const pool = socketPool(() => server.url);
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
});

const staffActor = (username: string) =>
	loadActor(db, db.select().from(user).where(eq(user.username, username)).get()!);

/** A new building with `n` households of one adult each (no base points: the demo's were granted before). */
function newBuilding(name: string, n: number) {
	const { buildingId, residents } = addBuilding(db, name, n);
	return { buildingId, ids: residents.map((r) => r.residentId) };
}

const RULES: PublicRules = {
	votingUnit: 'household',
	whoMayVote: 'present',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};

const ledgerOf = (ids: number[]) =>
	db
		.select({
			residentId: pointEntry.residentId,
			reason: pointEntry.reason,
			amount: pointEntry.amount,
			sourceType: pointEntry.sourceType,
			sourceId: pointEntry.sourceId,
			recordedByUserId: pointEntry.recordedByUserId
		})
		.from(pointEntry)
		.where(inArray(pointEntry.residentId, ids))
		.orderBy(asc(pointEntry.residentId), asc(pointEntry.id))
		.all();
const ledgerSize = () => db.select({ n: count() }).from(pointEntry).get()!.n;

describe('participation points from a real meeting', () => {
	it('pays each check-in, ballot and rating exactly once, and a secret ballot only by its poll', async () => {
		const { buildingId, ids } = newBuilding('积分楼', 4);
		const [a, b, c, d] = ids;
		const facilitator = await login(server.url, 'facilitator');
		const meetingId = createMeeting(db, staffActor('facilitator'), {
			title: '积分楼议事会',
			scopeType: 'building',
			scopeId: buildingId,
			startsAt: new Date(),
			place: '楼下',
			votingUnit: 'household',
			isPublic: true
		});
		const code = getMeeting(db, meetingId).joinCode;
		const console_ = await pool.connected(facilitator);
		await ok(console_, 'meeting:join', { meetingId, as: 'console' });
		await ok(console_, 'meeting:open', { meetingId });

		// A checks in twice (a phone that reconnects), B once; C is marked present, absent, present again.
		const [pa, pb, pc, pd] = await Promise.all([a, b, c, d].map((id) => pool.connected(cookieFor(id))));
		for (const p of [pa, pb, pc, pd]) await ok(p, 'meeting:join', { meetingId, as: 'phone' });
		await ok(pa, 'attendance:checkIn', { meetingId, code });
		await ok(pa, 'attendance:checkIn', { meetingId, code });
		await ok(pb, 'attendance:checkIn', { meetingId, code });
		for (const present of [true, false, true])
			await ok(console_, 'attendance:mark', { meetingId, residentId: c, present });

		// A named poll: A's ballot is sent twice with the same id (its ack was lost); D is not present.
		const next = ballotIds('pts');
		const { pollId: named } = await ok<{ pollId: number }>(console_, 'poll:open', {
			meetingId,
			agendaItemId: null,
			question: '是否同意清理楼道杂物？',
			type: 'yesNoAbstain',
			rules: RULES,
			durationSeconds: null
		});
		const aBallot = { pollId: named, ...next(), choices: ['yes'] };
		expect(await ok<CastResult>(pa, 'ballot:cast', aBallot)).toMatchObject({ duplicate: false });
		expect(await ok<CastResult>(pa, 'ballot:cast', aBallot)).toMatchObject({ duplicate: true });
		await ok(pb, 'ballot:cast', { pollId: named, ...next(), choices: ['yes'] });
		await ok(pc, 'ballot:cast', { pollId: named, ...next(), choices: ['no'] });
		const refusedD = await request(pd, 'ballot:cast', { pollId: named, ...next(), choices: ['yes'] });
		expect(refusedD.ok).toBe(false);
		await ok(console_, 'poll:close', { pollId: named });

		// A secret poll: A votes (and retries), B votes; nobody else.
		const { pollId: secret } = await ok<{ pollId: number }>(console_, 'poll:open', {
			meetingId,
			agendaItemId: null,
			question: '选举楼栋长',
			type: 'yesNoAbstain',
			rules: { ...RULES, secret: true, liveTally: false },
			durationSeconds: null
		});
		const aSecret = { pollId: secret, ...next(), choices: ['no'] };
		await ok(pa, 'ballot:cast', aSecret);
		expect(await ok<CastResult>(pa, 'ballot:cast', aSecret)).toMatchObject({ duplicate: true });
		await ok(pb, 'ballot:cast', { pollId: secret, ...next(), choices: ['yes'] });
		await ok(console_, 'poll:close', { pollId: secret });

		// The named poll passed: its follow-up is done and A and B rate it (A twice: refused).
		const fu = db.select().from(followUp).where(eq(followUp.communityId, 1)).all().at(-1)!;
		const owner = staffActor('facilitator');
		assignFollowUp(db, owner, {
			followUpId: fu.id,
			ownerUserId: owner.userId,
			ownerDepartmentId: null,
			dueOn: '2099-12-31'
		});
		reportProgress(db, owner, { followUpId: fu.id, text: '已清理', percent: 100, done: true });
		const rate = (id: number, grade: string) =>
			postForm(`${server.url}/followups/${fu.id}?/rate`, { grade, comment: '' }, cookieFor(id));
		expect((await rate(a, 'satisfied')).status).toBe(200);
		expect((await rate(a, 'unsatisfied')).status).toBe(400);
		expect((await rate(b, 'basic')).status).toBe(200);

		const attend = {
			reason: 'attend',
			amount: 2,
			sourceType: 'meeting',
			sourceId: meetingId,
			recordedByUserId: null
		};
		const vote = (pollId: number) => ({
			reason: 'vote',
			amount: 1,
			sourceType: 'poll',
			sourceId: pollId,
			recordedByUserId: null
		});
		const rated = {
			reason: 'rate',
			amount: 1,
			sourceType: 'followUp',
			sourceId: fu.id,
			recordedByUserId: null
		};
		expect(ledgerOf(ids)).toEqual([
			{ residentId: a, ...attend },
			{ residentId: a, ...vote(named) },
			{ residentId: a, ...vote(secret) },
			{ residentId: a, ...rated },
			{ residentId: b, ...attend },
			{ residentId: b, ...vote(named) },
			{ residentId: b, ...vote(secret) },
			{ residentId: b, ...rated },
			{ residentId: c, ...attend },
			{ residentId: c, ...vote(named) }
		]);
		// Nothing in the ledger points at a secret ballot: no entry's source is a ballot row.
		const secretVoteIds = db
			.select({ id: pollVote.id })
			.from(pollVote)
			.where(eq(pollVote.pollId, secret))
			.all();
		expect(secretVoteIds).toHaveLength(2);
		const sources = ledgerOf(ids).map((e) => `${e.sourceType}:${e.sourceId}`);
		for (const v of secretVoteIds) expect(sources).not.toContain(`ballot:${v.id}`);

		// The resident sees the balance on the phone.
		const page = await (await fetch(`${server.url}/points`, { headers: { cookie: cookieFor(a) } })).text();
		expect(page).toContain('5 分');
		expect(page).toContain('参加表决');
	});
});

describe('staff pages', () => {
	it('refuses a redemption beyond the balance and entries by a resident, books a valid one, and exports CSV for staff only', async () => {
		const [x] = newBuilding('兑换楼', 1).ids;
		const officer = await login(server.url, 'officer');
		const admin = await login(server.url, 'admin');
		// The cleaning drive pays 5 a time (the default rule); the officer records it twice.
		const cleaning = db.select().from(pointRule).where(eq(pointRule.code, 'cleaning')).get()!;
		for (let i = 0; i < 2; i++)
			expect(
				(
					await postForm(
						`${server.url}/admin/points?/record`,
						{ form: 'record', residentId: String(x), ruleId: String(cleaning.id), note: '清洁行动' },
						officer
					)
				).status
			).toBe(200);
		const before = ledgerSize();
		const tooMuch = await postForm(
			`${server.url}/admin/points?/redeem`,
			{ form: 'redeem', residentId: String(x), points: '11', goods: '大米' },
			officer
		);
		expect(tooMuch.status).toBe(400);
		expect(await tooMuch.text()).toContain('POINTS_INSUFFICIENT');
		const negative = await postForm(
			`${server.url}/admin/points?/redeem`,
			{ form: 'redeem', residentId: String(x), points: '-5', goods: '大米' },
			officer
		);
		expect(negative.status).toBe(400);
		const byResident = await postForm(
			`${server.url}/admin/points?/record`,
			{ form: 'record', residentId: String(x), ruleId: String(cleaning.id) },
			cookieFor(x)
		);
		expect(byResident.status).toBeGreaterThanOrEqual(400);
		expect(ledgerSize()).toBe(before);

		const okRedeem = await postForm(
			`${server.url}/admin/points?/redeem`,
			{ form: 'redeem', residentId: String(x), points: '10', goods: '=洗衣粉' },
			admin
		);
		expect(okRedeem.status).toBe(200);
		expect(ledgerOf([x]).map((e) => e.amount)).toEqual([5, 5, -10]);

		const csv = await fetch(`${server.url}/admin/points/standings.csv`, { headers: { cookie: officer } });
		expect(csv.headers.get('content-type')).toContain('text/csv');
		expect(await csv.text()).toContain('兑换楼');
		expect(
			(await fetch(`${server.url}/admin/points/standings.csv`, { headers: { cookie: cookieFor(x) } })).status
		).toBe(403);
	});
});
