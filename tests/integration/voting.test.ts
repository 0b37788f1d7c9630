/**
 * Live voting over real sockets: the built server on port 0, a facilitator's console and residents'
 * phones (sessions made on the server's own SQLite file), polls opened, cast, counted, hand-counted,
 * closed by hand and by the server's timer, across a restart, and refused when the input is bad.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import {
	attendance,
	handCount,
	handCountEntry,
	household,
	poll,
	pollChoice,
	pollVote,
	proxy,
	resident,
	resolution,
	user
} from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { checkIn } from '$lib/server/domain/attendance';
import { makeReceipt } from '$lib/receipt';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { eligibleParticipants, type Participant } from '$lib/server/domain/eligibility';
import { verifyCommunityChain } from '$lib/server/domain/resolutions';
import type { Ack } from '$lib/realtime/protocol';
import type { Me, MeetingState } from '$lib/realtime/meeting';
import type { CastResult, PollView, PublicRules } from '$lib/realtime/poll';
import { demoInvitationPaths, startServer, type TestServer } from '../helpers/server';
import { ok, refused, request, socketPool, stateWhere } from '../helpers/sockets';
import { residentsOf } from '../helpers/residents';
import { join, login } from '../helpers/http';
import { addBuilding } from '../helpers/roster-fixtures';

let server: TestServer;
let db: Db;
let facilitator: string;
let officer: string;
const pool = socketPool(() => server.url);
const { connected } = pool;

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	facilitator = await login(server.url, 'facilitator');
	officer = await login(server.url, 'officer');
});
afterEach(closeSockets);
afterAll(async () => {
	closeSockets();
	db?.$client.close();
	await server?.cleanup();
});

function closeSockets() {
	pool.closeAll();
}

// ---------------------------------------------------------------------------------------------------
// People, meetings and sockets

/** What a phone (or the console, for 代投) makes before its first attempt and keeps until acknowledged. */
function newBallot() {
	return { ballotId: crypto.randomUUID(), receipt: makeReceipt() };
}

const { cookieFor, actorOf } = residentsOf(() => db);

/** One adult resident per household of a building (the household voting unit), in roster order. */
function oneResidentPerHousehold(buildingId: number): Participant[] {
	const seen = new Set<number>();
	return eligibleParticipants(
		db,
		{ communityId: 1, scopeType: 'building', scopeId: buildingId },
		new Date()
	).filter((p) => !seen.has(p.householdId) && seen.add(p.householdId));
}

/** A new building of the demo estate with `n` households of one adult each, as the roster would add it. */
function newBuilding(name: string, n: number) {
	return db.transaction((tx) => {
		const { buildingId, residents } = addBuilding(tx, name, n);
		return { buildingId, people: residents.map((r) => ({ ...r, cookie: cookieFor(r.residentId) })) };
	});
}

function newMeeting(buildingId = 1): number {
	const row = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
	return createMeeting(db, loadActor(db, row), {
		title: `${buildingId}号楼表决会`,
		scopeType: 'building',
		scopeId: buildingId,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
}

const codeOf = (meetingId: number) => getMeeting(db, meetingId).joinCode;

/** Checks residents in through the domain, in one transaction (one commit for many). */
function checkInAll(meetingId: number, residentIds: number[]) {
	const code = codeOf(meetingId);
	const actors = residentIds.map(actorOf);
	db.transaction(() => {
		for (const a of actors) checkIn(db, a, meetingId, code);
	});
}

type Joined = { state: MeetingState; me: Me };

const joined = (s: Socket, meetingId: number, as: 'phone' | 'console' | 'projector' = 'phone') =>
	ok<Joined>(s, 'meeting:join', { meetingId, as });

/** A facilitator's console joined to a new, live meeting. */
async function liveMeeting(buildingId = 1) {
	const meetingId = newMeeting(buildingId);
	const console_ = await connected(facilitator);
	await joined(console_, meetingId, 'console');
	await ok(console_, 'meeting:open', { meetingId });
	return { meetingId, console: console_ };
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

async function openYesNo(
	console_: Socket,
	meetingId: number,
	opts: { rules?: Partial<PublicRules>; durationSeconds?: number | null } = {}
): Promise<number> {
	const { pollId } = await ok<{ pollId: number }>(console_, 'poll:open', {
		meetingId,
		agendaItemId: null,
		question: '是否同意在1栋加装电梯？',
		type: 'yesNoAbstain',
		rules: { ...RULES, ...opts.rules },
		durationSeconds: opts.durationSeconds ?? null
	});
	return pollId;
}

const pollIn = (st: MeetingState, pollId: number): PollView | undefined =>
	st.polls.find((p) => p.id === pollId);

const votesOf = (pollId: number) =>
	db.select().from(pollVote).where(eq(pollVote.pollId, pollId)).orderBy(asc(pollVote.id)).all();

const resolutionOf = (pollId: number) =>
	db.select().from(resolution).where(eq(resolution.pollId, pollId)).get();

type StoredTally = {
	perOption: Record<string, number>;
	perChannel: Record<string, Record<string, number>>;
	participationByChannel: Record<string, number>;
	participating: number;
	eligible: number;
	quorumReached: boolean;
};

/** Votes per option counted straight from the stored named ballots. */
function countStored(pollId: number): Record<string, number> {
	const perOption: Record<string, number> = { yes: 0, no: 0, abstain: 0 };
	for (const v of votesOf(pollId)) for (const c of v.choices ?? []) perOption[c]++;
	return perOption;
}

// ---------------------------------------------------------------------------------------------------

describe('live voting over a real server', () => {
	it('300 phones vote at once in one poll: each ballot is acknowledged once, stored once, and counted', async () => {
		const started = Date.now();
		// A building of 300 households with one adult each, added to the server's database.
		const { buildingId, people: voters } = newBuilding('压测楼', 300);
		const { meetingId, console: console_ } = await liveMeeting(buildingId);
		checkInAll(
			meetingId,
			voters.map((v) => v.residentId)
		);
		const pollId = await openYesNo(console_, meetingId);

		const phones = await Promise.all(voters.map((v) => connected(v.cookie)));
		const joins = await Promise.all(phones.map((p) => joined(p, meetingId)));
		expect(joins.every((j) => j.me.present && pollIn(j.state, pollId)?.status === 'open')).toBe(true);

		// 3 of 5 for, 1 against, 1 abstaining: 180 / 60 / 60.
		const choiceOf = (i: number) => (['yes', 'yes', 'yes', 'no', 'abstain'] as const)[i % 5];
		const sent = voters.map((_, i) => ({ pollId, ...newBallot(), choices: [choiceOf(i)] }));
		const acks = new Map<string, number>();
		const allCounted = stateWhere(console_, (st) => pollIn(st, pollId)?.tally?.participating === 300, 15_000);
		const castStarted = Date.now();
		const answers = await Promise.all(
			phones.map(
				(p, i) =>
					new Promise<Ack<CastResult>>((resolve, reject) => {
						const timer = setTimeout(() => reject(new Error(`ballot ${i} not acknowledged`)), 15_000);
						p.emit('ballot:cast', sent[i], (res: Ack<CastResult>) => {
							acks.set(sent[i].ballotId, (acks.get(sent[i].ballotId) ?? 0) + 1);
							clearTimeout(timer);
							resolve(res);
						});
					})
			)
		);
		const castMs = Date.now() - castStarted;
		expect(answers.filter((a) => !a.ok)).toEqual([]);
		answers.forEach((a, i) =>
			expect(a).toEqual({ ok: true, data: { receipt: sent[i].receipt, duplicate: false } })
		);
		expect(acks.size).toBe(300);
		expect([...acks.values()].every((n) => n === 1)).toBe(true);

		// Stored once each, as sent.
		const stored = votesOf(pollId);
		expect(stored).toHaveLength(300);
		const byBallot = new Map(stored.map((v) => [v.ballotId, v]));
		for (const b of sent) {
			expect(byBallot.get(b.ballotId)).toMatchObject({
				receipt: b.receipt,
				choices: b.choices,
				channel: 'phone'
			});
		}
		const expected = { yes: 180, no: 60, abstain: 60 };
		expect(countStored(pollId)).toEqual(expected);

		// Every screen sees the live tally; the console's reaches all 300.
		expect(pollIn(await allCounted, pollId)!.tally).toMatchObject({
			perOption: expected,
			participating: 300,
			eligible: 300
		});

		const { resolutionId } = await ok<{ resolutionId: number }>(console_, 'poll:close', { pollId });
		const r = resolutionOf(pollId)!;
		expect(r.id).toBe(resolutionId);
		expect(r.outcome).toBe('passed');
		const tally = r.content.tally as StoredTally;
		expect(tally).toMatchObject({
			perOption: expected,
			perChannel: { phone: expected },
			participationByChannel: { phone: 300 },
			participating: 300,
			eligible: 300,
			quorumReached: true
		});
		expect(r.content.receipts as Array<[string, string[]]>).toHaveLength(300);
		expect(verifyCommunityChain(db, 1)).toBeNull();
		console.log(`300 ballots acknowledged in ${castMs} ms; whole test ${Date.now() - started} ms`);
	});

	it('a ballot id sent five times (at once and one after another) is one ballot with one receipt', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		// A demo resident's phone, logged in by the invitation card the server printed.
		const [card] = demoInvitationPaths(server.output());
		const { cookie } = await join(server.url, card);
		expect(cookie).toBeTruthy();
		const phone = await connected(cookie!);
		const { me } = await joined(phone, meetingId);
		await ok(phone, 'attendance:checkIn', { meetingId, code: codeOf(meetingId) });
		const pollId = await openYesNo(console_, meetingId);

		const ballot = { pollId, ...newBallot(), choices: ['yes'] };
		const first = await Promise.all([0, 1, 2].map(() => ok<CastResult>(phone, 'ballot:cast', ballot)));
		const later = [
			await ok<CastResult>(phone, 'ballot:cast', ballot),
			await ok<CastResult>(phone, 'ballot:cast', ballot)
		];
		const all = [...first, ...later];
		expect(all.map((a) => a.receipt)).toEqual(Array(5).fill(ballot.receipt));
		expect(all.filter((a) => !a.duplicate)).toHaveLength(1);
		expect(all[0].duplicate).toBe(false);
		expect(all.slice(1).every((a) => a.duplicate)).toBe(true);
		// A retry that lost its receipt (or changed its mind) still gets the stored one, and changes nothing.
		expect(
			await ok<CastResult>(phone, 'ballot:cast', { ...ballot, receipt: newBallot().receipt, choices: ['no'] })
		).toEqual({ receipt: ballot.receipt, duplicate: true });

		const rows = votesOf(pollId);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ ballotId: ballot.ballotId, receipt: ballot.receipt, choices: ['yes'] });

		// A new ballot id for the same household is a second ballot: refused, by this phone or another member's.
		expect(await refused(phone, 'ballot:cast', { pollId, ...newBallot(), choices: ['no'] })).toBe(
			'ALREADY_VOTED'
		);
		const spouse = db
			.insert(resident)
			.values({
				householdId: db.select().from(resident).where(eq(resident.id, me.residentId!)).get()!.householdId,
				name: '同户家属'
			})
			.returning()
			.get().id;
		const spousePhone = await connected(cookieFor(spouse));
		await ok(spousePhone, 'attendance:checkIn', { meetingId, code: codeOf(meetingId) });
		const { me: spouseMe } = await joined(spousePhone, meetingId);
		expect(spouseMe.votedPolls).toContain(pollId);
		expect(await refused(spousePhone, 'ballot:cast', { pollId, ...newBallot(), choices: ['no'] })).toBe(
			'ALREADY_VOTED'
		);
		expect(votesOf(pollId)).toHaveLength(1);
		expect(pollIn((await joined(console_, meetingId, 'console')).state, pollId)!.tally).toMatchObject({
			perOption: { yes: 1, no: 0, abstain: 0 },
			participating: 1
		});
		await ok(console_, 'poll:close', { pollId });
	});

	it('a restart during an open poll keeps the poll, its deadline and every acknowledged ballot', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const people = oneResidentPerHousehold(1).slice(0, 5);
		checkInAll(
			meetingId,
			people.map((p) => p.residentId)
		);
		const cookies = people.map((p) => cookieFor(p.residentId));
		const pollId = await openYesNo(console_, meetingId, { durationSeconds: 30 });
		const opened = pollIn((await joined(console_, meetingId, 'console')).state, pollId)!;
		expect(opened.closesAt).toBe(opened.openedAt + 30_000);

		const ballots = people.map((_, i) => ({
			pollId,
			...newBallot(),
			choices: [['yes', 'no', 'yes', 'abstain', 'yes'][i]]
		}));
		const phones = await Promise.all(cookies.slice(0, 3).map(connected));
		const acked = await Promise.all(phones.map((p, i) => ok<CastResult>(p, 'ballot:cast', ballots[i])));
		expect(acked.every((a) => !a.duplicate)).toBe(true);

		const restarted = Date.now();
		server = await server.restart();
		const restartMs = Date.now() - restarted;
		closeSockets();

		const again = await connected(facilitator);
		const { state } = await joined(again, meetingId, 'console');
		const after = pollIn(state, pollId)!;
		expect(after).toMatchObject({ status: 'open', closesAt: opened.closesAt, openedAt: opened.openedAt });
		expect(
			votesOf(pollId)
				.map((v) => v.ballotId)
				.sort()
		).toEqual(
			ballots
				.slice(0, 3)
				.map((b) => b.ballotId)
				.sort()
		);
		expect(after.tally!.perOption).toEqual(countStored(pollId));

		// The first phone comes back: its ballot counted; a retry of it is still the same ballot.
		const back = await connected(cookies[0]);
		expect((await joined(back, meetingId)).me.votedPolls).toContain(pollId);
		expect(await ok<CastResult>(back, 'ballot:cast', ballots[0])).toEqual({
			receipt: ballots[0].receipt,
			duplicate: true
		});
		// A phone that had not voted yet is accepted by the new process.
		const late = await connected(cookies[3]);
		expect(await ok<CastResult>(late, 'ballot:cast', ballots[3])).toEqual({
			receipt: ballots[3].receipt,
			duplicate: false
		});
		const stored = countStored(pollId);
		expect(stored).toEqual({ yes: 2, no: 1, abstain: 1 });
		const now = pollIn((await joined(again, meetingId, 'console')).state, pollId)!;
		expect(now.tally).toMatchObject({ perOption: stored, participating: 4 });
		expect(now.closesAt).toBe(opened.closesAt);

		await ok(again, 'poll:close', { pollId });
		expect((resolutionOf(pollId)!.content.tally as StoredTally).perOption).toEqual(stored);
		console.log(`restart took ${restartMs} ms`);
	});

	it('a secret poll stores who voted apart from what was chosen, and each voter finds their receipt', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const people = oneResidentPerHousehold(1).slice(0, 4);
		checkInAll(
			meetingId,
			people.map((p) => p.residentId)
		);
		const pollId = await openYesNo(console_, meetingId, { rules: { secret: true, liveTally: false } });
		expect(pollIn((await joined(console_, meetingId, 'console')).state, pollId)!.tally).toBeNull();

		const choices = ['yes', 'no', 'yes', 'abstain'];
		const ballots = people.map((_, i) => ({ pollId, ...newBallot(), choices: [choices[i]] }));
		const phones = await Promise.all(people.map((p) => connected(cookieFor(p.residentId))));
		for (const [i, p] of phones.entries()) await ok(p, 'ballot:cast', ballots[i]);
		// A retry of a secret ballot is recognised too.
		expect(await ok<CastResult>(phones[0], 'ballot:cast', ballots[0])).toEqual({
			receipt: ballots[0].receipt,
			duplicate: true
		});

		// Who voted: no choice, no receipt.
		const votes = votesOf(pollId);
		expect(votes).toHaveLength(4);
		expect(votes.every((v) => v.choices === null && v.receipt === null)).toBe(true);
		expect(new Set(votes.map((v) => v.voterResidentId))).toEqual(new Set(people.map((p) => p.residentId)));
		// What was chosen: keyed by receipt only, no row order, nothing pointing at a vote, person or time.
		const sqlite = db.$client;
		const columns = (sqlite.prepare(`PRAGMA table_info('poll_choice')`).all() as Array<{ name: string }>).map(
			(c) => c.name
		);
		expect(columns.sort()).toEqual(['choices', 'poll_id', 'receipt']);
		expect(sqlite.prepare(`PRAGMA foreign_key_list('poll_choice')`).all()).toEqual([]);
		const ddl = sqlite.prepare(`SELECT sql FROM sqlite_master WHERE name = 'poll_choice'`).get() as {
			sql: string;
		};
		expect(ddl.sql).toContain('WITHOUT ROWID');
		expect(() => sqlite.prepare('SELECT rowid FROM poll_choice').all()).toThrow();
		const secretChoices = db.select().from(pollChoice).where(eq(pollChoice.pollId, pollId)).all();
		expect(secretChoices).toHaveLength(4);
		expect(secretChoices.map((c) => c.receipt)).toEqual(secretChoices.map((c) => c.receipt).sort());

		const closing = stateWhere(console_, (st) => pollIn(st, pollId)?.status === 'closed');
		await ok(console_, 'poll:close', { pollId });
		const closed = pollIn(await closing, pollId)!;
		expect(closed.tally).toMatchObject({
			perOption: { yes: 2, no: 1, abstain: 1 },
			perChannel: {},
			participationByChannel: { phone: 4 },
			participating: 4
		});
		const r = resolutionOf(pollId)!;
		const receipts = new Map(r.content.receipts as Array<[string, string[]]>);
		expect(receipts.size).toBe(4);
		for (const b of ballots) expect(receipts.get(b.receipt)).toEqual(b.choices);
		// The public record names nobody.
		const published = JSON.stringify(r.content);
		for (const p of people) {
			expect(published).not.toContain(p.name);
			expect(published).not.toContain(`"voterResidentId"`);
		}
		for (const b of ballots) expect(published).not.toContain(b.ballotId);
	});

	it('the server’s timer closes a poll when its time is up and writes the resolution', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const [voter] = oneResidentPerHousehold(1);
		checkInAll(meetingId, [voter.residentId]);
		const pollId = await openYesNo(console_, meetingId, { durationSeconds: 10 });
		const phone = await connected(cookieFor(voter.residentId));
		await ok(phone, 'ballot:cast', { pollId, ...newBallot(), choices: ['yes'] });
		await joined(phone, meetingId);
		const closedOnPhone = stateWhere(phone, (st) => pollIn(st, pollId)?.status === 'closed', 20_000);
		const closed = pollIn(
			await stateWhere(console_, (st) => pollIn(st, pollId)?.status === 'closed', 20_000),
			pollId
		)!;
		await closedOnPhone;
		const r = resolutionOf(pollId)!;
		expect(r).toBeDefined();
		expect(closed.result).toMatchObject({ resolutionId: r.id, hash: r.hash, outcome: r.outcome });
		expect(r.decidedAt.getTime()).toBeGreaterThanOrEqual(closed.closesAt!);
		expect((r.content.tally as StoredTally).perOption).toEqual({ yes: 1, no: 0, abstain: 0 });
		const row = db.select().from(poll).where(eq(poll.id, pollId)).get()!;
		expect(row.status).toBe('closed');
		// Too late is closed, and closing by hand again is refused.
		expect(await refused(phone, 'ballot:cast', { pollId, ...newBallot(), choices: ['no'] })).toBe(
			'POLL_CLOSED'
		);
		expect(await refused(console_, 'poll:close', { pollId })).toBe('POLL_CLOSED');
	}, 40_000);

	it('refuses bad ballots, hand counts and payloads with a code, and stores nothing', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const [a, b, c] = oneResidentPerHousehold(1);
		checkInAll(meetingId, [a.residentId]);
		const phone = await connected(cookieFor(a.residentId));
		const absent = await connected(cookieFor(b.residentId));
		const outsiderId = db
			.select({ id: resident.id })
			.from(resident)
			.innerJoin(household, eq(resident.householdId, household.id))
			.where(eq(household.buildingId, 2))
			.get()!.id;
		const outsider = await connected(cookieFor(outsiderId));

		const closedPoll = await openYesNo(console_, meetingId);
		await ok(console_, 'poll:close', { pollId: closedPoll });
		const { pollId } = await ok<{ pollId: number }>(console_, 'poll:open', {
			meetingId,
			agendaItemId: null,
			question: '外墙颜色选哪两种？',
			type: 'multi',
			options: ['米白', '浅灰', '砖红'],
			maxChoices: 2,
			rules: RULES,
			durationSeconds: null
		});

		const pollIds = [closedPoll, pollId];
		const snapshot = () => ({
			votes: db.select().from(pollVote).where(inArray(pollVote.pollId, pollIds)).all(),
			choices: db.select().from(pollChoice).where(inArray(pollChoice.pollId, pollIds)).all(),
			hands: db.select().from(handCount).where(inArray(handCount.pollId, pollIds)).all(),
			handEntries: db.select().from(handCountEntry).where(inArray(handCountEntry.pollId, pollIds)).all(),
			polls: db.select().from(poll).where(eq(poll.meetingId, meetingId)).all(),
			resolutions: db.select().from(resolution).where(inArray(resolution.pollId, pollIds)).all(),
			proxies: db.select().from(proxy).where(eq(proxy.meetingId, meetingId)).all(),
			tally: null as unknown
		});
		const before = snapshot();
		before.tally = pollIn((await joined(console_, meetingId, 'console')).state, pollId)!.tally;

		const cast = (choices: unknown, extra: Record<string, unknown> = {}) => ({
			pollId,
			...newBallot(),
			choices,
			...extra
		});
		const cases: Array<[Socket, string, unknown, string[]]> = [
			[phone, 'ballot:cast', { ...cast(['yes']), pollId: closedPoll }, ['POLL_CLOSED']],
			[phone, 'ballot:cast', cast(['o9']), ['INVALID_CHOICE']],
			[phone, 'ballot:cast', cast(['yes']), ['INVALID_CHOICE']],
			[phone, 'ballot:cast', cast(['o1', 'o2', 'o3']), ['INVALID_CHOICE']],
			[phone, 'ballot:cast', cast(['o1', 'o1']), ['INVALID_CHOICE']],
			[phone, 'ballot:cast', cast([]), ['INVALID_CHOICE']],
			[phone, 'ballot:cast', { ...cast(['o1']), pollId: 999_999 }, ['NOT_FOUND']],
			[outsider, 'ballot:cast', cast(['o1']), ['FORBIDDEN', 'NOT_ELIGIBLE']],
			[absent, 'ballot:cast', cast(['o1']), ['NOT_PRESENT']],
			[phone, 'ballot:cast', cast(['o1'], { forResidentId: c.residentId }), ['PROXY_NOT_DESIGNATED']],
			[console_, 'hands:set', { pollId, counts: { o1: 100 } }, ['HAND_COUNT_BOUND']],
			[console_, 'hands:set', { pollId, counts: { o1: 2, o2: 1 } }, ['HAND_COUNT_BOUND']],
			[console_, 'hands:set', { pollId: closedPoll, counts: { yes: 0 } }, ['POLL_CLOSED']],
			[console_, 'hands:set', { pollId, counts: { o9: 1 } }, ['INVALID_INPUT']],
			[console_, 'hands:set', { pollId, counts: { o1: -1 } }, ['INVALID_INPUT']],
			[console_, 'hands:set', { pollId, counts: { o1: 0.5 } }, ['INVALID_INPUT']],
			[console_, 'hands:set', { pollId, counts: [1] }, ['INVALID_INPUT']],
			[phone, 'hands:set', { pollId, counts: { o1: 1 } }, ['FORBIDDEN']],
			[phone, 'poll:close', { pollId }, ['FORBIDDEN']],
			[
				phone,
				'ballot:assist',
				{
					pollId,
					residentId: a.residentId,
					choices: ['o1'],
					consentNote: '同意',
					...newBallot()
				},
				['FORBIDDEN']
			],
			[
				console_,
				'ballot:assist',
				{
					pollId,
					residentId: b.residentId,
					choices: ['o1'],
					consentNote: '本人同意',
					...newBallot()
				},
				['NOT_PRESENT']
			],
			[
				console_,
				'ballot:assist',
				{
					pollId,
					residentId: a.residentId,
					choices: ['o1'],
					consentNote: '   ',
					...newBallot()
				},
				['INVALID_INPUT']
			],
			[
				console_,
				'ballot:assist',
				{
					pollId,
					residentId: a.residentId,
					choices: ['o1'],
					consentNote: '字'.repeat(201),
					...newBallot()
				},
				['INVALID_INPUT']
			],
			[console_, 'poll:close', { pollId: closedPoll }, ['POLL_CLOSED']],
			// Malformed ballots.
			[phone, 'ballot:cast', { ...cast(['o1']), pollId: 'x' }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { ...cast(['o1']), pollId: 0 }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { ...cast(['o1']), extra: true }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { pollId, ballotId: crypto.randomUUID(), choices: ['o1'] }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { ...cast(['o1']), receipt: 'ABC' }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { ...cast(['o1']), receipt: 'abcdefghjk2' }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { ...cast(['o1']), ballotId: 'short' }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { ...cast(['o1']), ballotId: 'x'.repeat(65) }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', { ...cast(['o1']), ballotId: 'has spaces in it' }, ['INVALID_INPUT']],
			[phone, 'ballot:cast', cast('o1'), ['INVALID_INPUT']],
			[phone, 'ballot:cast', cast(Array(13).fill('o1')), ['INVALID_INPUT']],
			[phone, 'ballot:cast', cast(['o'.repeat(17)]), ['INVALID_INPUT']],
			[phone, 'ballot:cast', cast([1]), ['INVALID_INPUT']],
			[phone, 'ballot:cast', cast(['o1'], { forResidentId: -1 }), ['INVALID_INPUT']],
			[phone, 'ballot:cast', null, ['INVALID_INPUT']],
			[phone, 'ballot:cast', 'hello', ['INVALID_INPUT']],
			// Malformed or impossible polls (checked before "one poll open at a time").
			...(
				[
					{ durationSeconds: 5 },
					{ durationSeconds: 24 * 3600 + 1 },
					{ durationSeconds: 12.5 },
					{ question: '   ' },
					{ question: '问'.repeat(201) },
					{ type: 'single', options: ['只有一个'] },
					{ type: 'single', options: ['甲', '甲'] },
					{ type: 'multi', options: ['甲', '乙'], maxChoices: 3 },
					{ rules: { ...RULES, quorum: { num: 1, den: 0, strict: true } } },
					{ rules: { ...RULES, quorum: { num: 3, den: 2, strict: false } } },
					{ rules: { ...RULES, secret: true, allowChange: true } },
					{ rules: { ...RULES, threshold: 'most' } },
					{ rules: { ...RULES, extra: 1 } },
					{ meetingId: 'x' }
				] as Array<Record<string, unknown>>
			).map((bad): [Socket, string, unknown, string[]] => [
				console_,
				'poll:open',
				{
					meetingId,
					agendaItemId: null,
					question: '再表决一次？',
					type: 'yesNoAbstain',
					rules: RULES,
					durationSeconds: null,
					...bad
				},
				['INVALID_INPUT']
			]),
			[
				console_,
				'poll:open',
				{
					meetingId,
					agendaItemId: null,
					question: '同时开两个？',
					type: 'yesNoAbstain',
					rules: RULES,
					durationSeconds: null
				},
				['POLL_STATE']
			],
			[
				phone,
				'poll:open',
				{
					meetingId,
					agendaItemId: null,
					question: '住户开表决？',
					type: 'yesNoAbstain',
					rules: RULES,
					durationSeconds: null
				},
				['FORBIDDEN']
			]
		];
		const wrong: string[] = [];
		for (const [s, event, payload, codes] of cases) {
			const res = await request(s, event, payload);
			const got = res.ok ? 'ok' : res.error.code;
			if (!codes.includes(got))
				wrong.push(`${event} ${JSON.stringify(payload)}: ${got}, wanted ${codes.join('|')}`);
		}
		expect(wrong).toEqual([]);

		const after = snapshot();
		after.tally = pollIn((await joined(console_, meetingId, 'console')).state, pollId)!.tally;
		expect(after).toEqual(before);
		// The connection is still usable and a good ballot still counts.
		expect(await ok<CastResult>(phone, 'ballot:cast', cast(['o1', 'o3']))).toMatchObject({
			duplicate: false
		});
		expect(votesOf(pollId)).toHaveLength(1);
	});

	it('phones, a proxy, an assisted ballot and a corrected hand count make one tally with counts per channel', async () => {
		const { buildingId, people } = newBuilding('混合楼', 6);
		const { meetingId, console: console_ } = await liveMeeting(buildingId);
		const [p1, p2, p3, p4, p5, p6] = people;
		const phone1 = await connected(p1.cookie);
		const phone2 = await connected(p2.cookie);
		const grantor = await connected(p4.cookie);
		const officerConsole = await connected(officer);

		// Before the poll: p4 cannot come and lets p1 vote for them.
		await ok(grantor, 'proxy:designate', { meetingId, proxyResidentId: p1.residentId });
		await ok(phone1, 'attendance:checkIn', { meetingId, code: codeOf(meetingId) });
		await ok(phone2, 'attendance:checkIn', { meetingId, code: codeOf(meetingId) });
		expect((await joined(phone1, meetingId)).me.proxyFor).toEqual([
			{ residentId: p4.residentId, name: p4.name }
		]);
		// p3, p5 and p6 came without phones: the facilitator marks them present.
		for (const p of [p3, p5, p6])
			await ok(console_, 'attendance:mark', { meetingId, residentId: p.residentId, present: true });

		const pollId = await openYesNo(console_, meetingId);
		// A designation stands once a poll is open.
		expect(await refused(grantor, 'proxy:revoke', { meetingId })).toBe('POLL_STATE');

		const b1 = { pollId, ...newBallot(), choices: ['yes'] };
		await ok(phone1, 'ballot:cast', b1);
		await ok(phone2, 'ballot:cast', { pollId, ...newBallot(), choices: ['no'] });
		await ok(phone1, 'ballot:cast', {
			pollId,
			...newBallot(),
			choices: ['no'],
			forResidentId: p4.residentId
		});
		const assist = {
			pollId,
			residentId: p3.residentId,
			choices: ['abstain'],
			consentNote: '本人视力不便，口头表示弃权，由信息员代为点选',
			...newBallot()
		};
		const assisted = await ok<CastResult>(officerConsole, 'ballot:assist', assist);
		expect(assisted.receipt).toMatch(/^[a-hj-km-np-z2-9]{10}$/);
		expect(await ok<CastResult>(officerConsole, 'ballot:assist', assist)).toEqual({
			...assisted,
			duplicate: true
		});

		// Hands: only p5 and p6 are present without a ballot, so at most 2 hands.
		await ok(console_, 'hands:set', { pollId, counts: { yes: 1, no: 1 } });
		expect(await refused(console_, 'hands:set', { pollId, counts: { yes: 3 } })).toBe('HAND_COUNT_BOUND');
		const corrected = stateWhere(console_, (st) => pollIn(st, pollId)?.tally?.perChannel.hand?.yes === 2);
		await ok(console_, 'hands:set', { pollId, counts: { yes: 2, no: 0 } });
		await corrected;

		const officerUser = db.select().from(user).where(eq(user.username, 'officer')).get()!;
		const rows = votesOf(pollId);
		expect(rows.map((r) => [r.voterResidentId, r.channel, r.choices])).toEqual([
			[p1.residentId, 'phone', ['yes']],
			[p2.residentId, 'phone', ['no']],
			[p4.residentId, 'proxy', ['no']],
			[p3.residentId, 'assisted', ['abstain']]
		]);
		expect(rows[3]).toMatchObject({ recordedByUserId: officerUser.id, consentNote: assist.consentNote });
		expect(db.select().from(handCount).where(eq(handCount.pollId, pollId)).all()).toEqual([
			{ pollId, optionId: 'yes', count: 2 }
		]);
		expect(
			db
				.select({ counts: handCountEntry.counts })
				.from(handCountEntry)
				.where(eq(handCountEntry.pollId, pollId))
				.orderBy(asc(handCountEntry.id))
				.all()
				.map((e) => e.counts)
		).toEqual([
			{ yes: 1, no: 1 },
			{ yes: 2, no: 0 }
		]);

		const expected = {
			perOption: { yes: 3, no: 2, abstain: 1 },
			perChannel: { phone: { yes: 1, no: 1 }, proxy: { no: 1 }, assisted: { abstain: 1 }, hand: { yes: 2 } },
			participationByChannel: { phone: 2, proxy: 1, assisted: 1, hand: 2 },
			participating: 6,
			eligible: 6,
			quorumReached: true
		};
		expect(pollIn((await joined(console_, meetingId, 'console')).state, pollId)!.tally).toEqual(expected);
		// p1's phone sees both its own household's and its grantor's ballot counted.
		const { me } = await joined(phone1, meetingId);
		expect(me.votedPolls).toContain(pollId);

		await ok(console_, 'poll:close', { pollId });
		const r = resolutionOf(pollId)!;
		expect(r.content.tally).toEqual(expected);
		expect(r.outcome).toBe('passed');
		expect(r.content.carried).toEqual(['yes']);
		// After close nothing more is taken, by any channel.
		expect(await refused(console_, 'hands:set', { pollId, counts: { yes: 0 } })).toBe('POLL_CLOSED');
		expect(
			db
				.select({ n: count() })
				.from(attendance)
				.where(and(eq(attendance.meetingId, meetingId), eq(attendance.present, true)))
				.get()!.n
		).toBe(5);
		expect(verifyCommunityChain(db, 1)).toBeNull();
	});
});
