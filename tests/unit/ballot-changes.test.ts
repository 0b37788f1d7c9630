/**
 * Who may replace a ballot, what a replacement leaves in the published list and the audit log, and
 * what a retry is answered with.
 */
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { auditEntry, pollVote, resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { markAttendance } from '$lib/server/domain/attendance';
import {
	assistBallot,
	ballotProgress,
	castBallot,
	designateProxy,
	recordHandBallot
} from '$lib/server/domain/ballots';
import { openPoll } from '$lib/server/domain/polls';
import { closePoll, getResolutionView } from '$lib/server/domain/resolutions';
import { DEFAULT_RULES, type PollRules } from '$lib/server/domain/tally';
import type { Actor } from '$lib/server/authz';
import { ballotIds } from '../helpers/ballot-ids';
import { openDemoMeeting, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const ids = ballotIds('change');

async function meetingWithPoll(rules: Partial<PollRules>) {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const residents = [0, 1, 2, 3].map((i) => residentActor(db, '1栋', i));
	for (const r of residents) markAttendance(db, f, meetingId, r.residentId!, true, T0);
	const pollId = openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: null,
			question: '是否同意加装电梯？',
			type: 'yesNoAbstain',
			rules: { ...DEFAULT_RULES, ...rules },
			durationSeconds: null
		},
		T0
	);
	return { db, f, meetingId, pollId, residents, officer: staff(db, 'officer') };
}

const assisted = (pollId: number, r: Actor, choice: string) => ({
	pollId,
	residentId: r.residentId!,
	choices: [choice],
	consentNote: '本人当面口头同意',
	...ids()
});

function published(db: Db, resolutionId: number) {
	const c = getResolutionView(db, resolutionId).content as {
		receipts: Array<[string, string[]]>;
		replaced?: Array<[string, string[], string]>;
		tally: { perOption: Record<string, number> };
	};
	return { receipts: new Map(c.receipts), replaced: c.replaced ?? [], perOption: c.tally.perOption };
}

const ballotEntries = (db: Db, pollId: number) =>
	db
		.select()
		.from(auditEntry)
		.where(and(eq(auditEntry.subjectId, pollId), eq(auditEntry.subjectType, 'poll')))
		.all()
		.filter((e) => e.action.startsWith('ballot.'))
		.map((e) => ({ action: e.action, actorUserId: e.actorUserId, detail: JSON.parse(e.detail) }));

describe('代投 never replaces a ballot the resident cast themselves', () => {
	it('refuses an assisted, hand-recorded or proxy ballot over the resident’s own, with a code, and keeps it counted', async () => {
		const { db, f, pollId, residents, officer } = await meetingWithPoll({ allowChange: true });
		const [liGuoqing, neighbour] = residents;
		// 李国庆 votes 反对 on his phone; then the facilitator tries to record 代投 同意 for him.
		const own = ids();
		castBallot(db, liGuoqing, { pollId, ...own, choices: ['no'] }, T0);
		castBallot(db, neighbour, { pollId, ...ids(), choices: ['abstain'] }, T0);
		expect(() => assistBallot(db, f, assisted(pollId, liGuoqing, 'yes'), T0)).toThrow('VOTED_IN_PERSON');
		expect(() => assistBallot(db, officer, assisted(pollId, liGuoqing, 'yes'), T0)).toThrow(
			'VOTED_IN_PERSON'
		);
		expect(() =>
			recordHandBallot(db, f, { pollId, residentId: liGuoqing.residentId!, choices: ['yes'], ...ids() }, T0)
		).toThrow('VOTED_IN_PERSON');

		const votes = db.select().from(pollVote).where(eq(pollVote.pollId, pollId)).all();
		expect(votes.find((v) => v.voterResidentId === liGuoqing.residentId)).toMatchObject({
			channel: 'phone',
			receipt: own.receipt,
			choices: ['no']
		});
		expect(ballotEntries(db, pollId)).toEqual([]);
		const p = published(db, closePoll(db, f, pollId, T0 + 1));
		expect(p.perOption).toMatchObject({ yes: 0, no: 1, abstain: 1 });
		expect(p.receipts.get(own.receipt)).toEqual(['no']);
	});

	it('refuses a proxy’s ballot for a grantor who voted on their own phone', async () => {
		const { db, docs, f, meetingId } = await openDemoMeeting(T0);
		const [holder, grantor] = [0, 1].map((i) => residentActor(db, '1栋', i));
		for (const r of [holder, grantor]) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		designateProxy(db, grantor, meetingId, holder.residentId!, T0);
		const pollId = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: null,
				question: '是否同意加装电梯？',
				type: 'yesNoAbstain',
				rules: { ...DEFAULT_RULES, allowChange: true },
				durationSeconds: null
			},
			T0
		);
		castBallot(db, grantor, { pollId, ...ids(), choices: ['no'] }, T0);
		expect(() =>
			castBallot(db, holder, { pollId, ...ids(), choices: ['yes'], forResidentId: grantor.residentId! }, T0)
		).toThrow('VOTED_IN_PERSON');
		expect(db.select().from(pollVote).where(eq(pollVote.pollId, pollId)).get()).toMatchObject({
			channel: 'phone',
			choices: ['no']
		});
	});

	it('lets only the voter change their own ballot: a housemate’s phone cannot', async () => {
		const { db, docs, f, meetingId } = await openDemoMeeting(T0);
		const me = db.select().from(resident).where(eq(resident.id, 1)).get()!;
		const housemate = db
			.insert(resident)
			.values({ householdId: me.householdId, name: '同户家属', birthYear: 1960 })
			.returning()
			.get();
		const actorOf = (residentId: number) =>
			loadActor(
				db,
				db.select().from(user).where(eq(user.residentId, residentId)).get() ??
					db.insert(user).values({ communityId: 1, displayName: '住户', residentId }).returning().get()
			);
		const [a, b] = [actorOf(me.id), actorOf(housemate.id)];
		for (const r of [a, b]) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		const pollId = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: null,
				question: '是否同意加装电梯？',
				type: 'yesNoAbstain',
				rules: { ...DEFAULT_RULES, allowChange: true },
				durationSeconds: null
			},
			T0
		);
		castBallot(db, a, { pollId, ...ids(), choices: ['no'] }, T0);
		expect(() => castBallot(db, b, { pollId, ...ids(), choices: ['yes'] }, T0)).toThrow('ALREADY_VOTED');
		castBallot(db, a, { pollId, ...ids(), choices: ['abstain'] }, T0); // the voter changes their mind
		expect(db.select().from(pollVote).where(eq(pollVote.pollId, pollId)).get()).toMatchObject({
			voterResidentId: a.residentId,
			choices: ['abstain']
		});
	});
});

describe('a replacement', () => {
	it('keeps the replaced receipt published and marked, and the audit names what replaced what', async () => {
		const { db, f, pollId, residents, officer } = await meetingWithPoll({ allowChange: true });
		const [elder, changer] = residents;
		// 代投 for the elder, then the elder votes on the phone herself: the voter replaces it.
		const recorded = assisted(pollId, elder, 'yes');
		assistBallot(db, officer, recorded, T0);
		const own = ids();
		castBallot(db, elder, { pollId, ...own, choices: ['no'] }, T0 + 1);
		// The console's late retry of the 代投 is answered with its own receipt, never the elder's.
		expect(assistBallot(db, officer, recorded, T0 + 2)).toEqual({
			receipt: recorded.receipt,
			duplicate: true
		});
		// A resident changes their own phone ballot twice.
		const first = ids();
		const second = ids();
		castBallot(db, changer, { pollId, ...first, choices: ['yes'] }, T0);
		castBallot(db, changer, { pollId, ...second, choices: ['no'] }, T0 + 1);

		const log = ballotEntries(db, pollId);
		expect(log).toEqual([
			{
				action: 'ballot.assist',
				actorUserId: officer.userId,
				detail: { voterResidentId: elder.residentId, unit: expect.any(String), channel: 'assisted' }
			},
			{
				action: 'ballot.replace',
				actorUserId: elder.userId,
				detail: {
					voterResidentId: elder.residentId,
					unit: expect.any(String),
					channel: 'phone',
					replaced: { channel: 'assisted', recordedByUserId: officer.userId }
				}
			},
			{
				action: 'ballot.replace',
				actorUserId: changer.userId,
				detail: {
					voterResidentId: changer.residentId,
					unit: expect.any(String),
					channel: 'phone',
					replaced: { channel: 'phone', recordedByUserId: null }
				}
			}
		]);

		const p = published(db, closePoll(db, f, pollId, T0 + 3));
		expect(p.perOption).toMatchObject({ yes: 0, no: 2 });
		expect(p.receipts.get(own.receipt)).toEqual(['no']);
		expect(p.receipts.get(second.receipt)).toEqual(['no']);
		expect(p.receipts.has(recorded.receipt)).toBe(false);
		// Every receipt ever handed out is still listed: the replaced ones marked, with their new channel.
		expect(p.replaced).toEqual(
			[
				[recorded.receipt, ['yes'], 'phone'],
				[first.receipt, ['yes'], 'phone']
			].sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1))
		);
	});
});

describe('the console’s 代投 list', () => {
	it('shows residents who voted themselves as voted, and keeps offering those a staff ballot may replace', async () => {
		const { db, f, pollId, residents, officer } = await meetingWithPoll({ allowChange: true });
		const [self, helped, waiting] = residents;
		castBallot(db, self, { pollId, ...ids(), choices: ['no'] }, T0);
		assistBallot(db, officer, assisted(pollId, helped, 'yes'), T0);
		const progress = ballotProgress(db, f, pollId);
		expect(progress.voted).toContain(self.residentId);
		expect(progress.voted).not.toContain(helped.residentId);
		expect(progress.voted).not.toContain(waiting.residentId);
		expect(progress.missing.voters.map((m) => m.residentId)).toContain(waiting.residentId);
		expect(progress.missing.voters.map((m) => m.residentId)).not.toContain(self.residentId);
	});

	it('shows every voted unit as voted when the poll takes no changes', async () => {
		const { db, f, pollId, residents, officer } = await meetingWithPoll({});
		const [self, helped] = residents;
		castBallot(db, self, { pollId, ...ids(), choices: ['no'] }, T0);
		assistBallot(db, officer, assisted(pollId, helped, 'yes'), T0);
		expect(() => assistBallot(db, officer, assisted(pollId, helped, 'no'), T0)).toThrow('ALREADY_VOTED');
		expect(ballotProgress(db, f, pollId).voted).toEqual(
			expect.arrayContaining([self.residentId, helped.residentId])
		);
	});
});

describe('a retried secret ballot', () => {
	it('is refused when it carries another voter’s receipt, and answered when it carries its own', async () => {
		const { db, pollId, residents } = await meetingWithPoll({ secret: true, liveTally: false });
		const [a, b] = residents;
		const mine = ids();
		const theirs = ids();
		castBallot(db, a, { pollId, ...mine, choices: ['yes'] }, T0);
		castBallot(db, b, { pollId, ...theirs, choices: ['no'] }, T0);
		expect(() =>
			castBallot(db, a, { pollId, ballotId: mine.ballotId, receipt: theirs.receipt, choices: ['yes'] }, T0)
		).toThrow('INVALID_INPUT');
		expect(castBallot(db, a, { pollId, ...mine, choices: ['yes'] }, T0)).toEqual({
			receipt: mine.receipt,
			duplicate: true
		});
		// The vote row holds neither the ballot id nor the receipt: only hashes a file holder cannot test.
		const row = db.select().from(pollVote).where(eq(pollVote.voterResidentId, a.residentId!)).get()!;
		expect(row.ballotId).not.toContain(mine.ballotId);
		expect(JSON.stringify(row)).not.toContain(mine.receipt);
	});
});
