import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import {
	handCountEntry,
	poll,
	pollChoice,
	pollVote,
	proposal,
	resident,
	resolution
} from '$lib/server/db/schema';
import { checkIn, markAttendance } from '$lib/server/domain/attendance';
import {
	assistBallot,
	castBallot,
	designateProxy,
	missingVoters,
	revokeProxy,
	setHandCounts,
	voterStatus
} from '$lib/server/domain/ballots';
import { closeMeeting, getMeeting } from '$lib/server/domain/meetings';
import { meetingState } from '$lib/server/domain/meeting-state';
import { openPoll } from '$lib/server/domain/polls';
import { fileProposal } from '$lib/server/domain/proposals';
import { addProposalToAgenda } from '$lib/server/domain/agenda';
import {
	closeDuePolls,
	closePoll,
	getResolutionView,
	verifyCommunityChain
} from '$lib/server/domain/resolutions';
import { DEFAULT_RULES, type PollRules } from '$lib/server/domain/tally';
import { createYjsServer } from '$lib/server/yjs';
import type { Actor } from '$lib/server/authz';
import { ballotIds } from '../helpers/ballot-ids';
import { openDemoMeeting, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const ids = ballotIds('ballot');

async function liveBuildingMeeting() {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const residents = [0, 1, 2, 3, 4, 5].map((i) => residentActor(db, '1栋', i));
	const code = getMeeting(db, meetingId).joinCode;
	return { db, docs, f, meetingId, residents, code };
}

function yesNo(
	db: Db,
	docs: ReturnType<typeof createYjsServer>,
	f: Actor,
	meetingId: number,
	rules: Partial<PollRules> = {},
	durationSeconds: number | null = null
) {
	return openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: null,
			question: '是否同意加装电梯？',
			type: 'yesNoAbstain',
			rules: { ...DEFAULT_RULES, ...rules },
			durationSeconds
		},
		T0
	);
}

describe('opening a poll', () => {
	it('freezes the rules and refuses a second open poll or nonsense rules', async () => {
		const { db, docs, f, meetingId } = await liveBuildingMeeting();
		const id = yesNo(db, docs, f, meetingId);
		expect(db.select().from(poll).where(eq(poll.id, id)).get()!.rules).toMatchObject(DEFAULT_RULES);
		expect(() => yesNo(db, docs, f, meetingId)).toThrow('POLL_STATE');
		closePoll(db, f, id, T0 + 1);
		expect(() => yesNo(db, docs, f, meetingId, { secret: true, allowChange: true })).toThrow('INVALID_INPUT');
		expect(() => yesNo(db, docs, f, meetingId, { quorum: { num: 3, den: 2, strict: false } })).toThrow(
			'INVALID_INPUT'
		);
		expect(() =>
			openPoll(db, docs, f, {
				meetingId,
				agendaItemId: null,
				question: '选哪家物业？',
				type: 'single',
				options: ['甲'],
				rules: DEFAULT_RULES,
				durationSeconds: null
			})
		).toThrow('INVALID_INPUT');
		expect(() => yesNo(db, docs, residentActorFor(db), meetingId)).toThrow('FORBIDDEN');
	});
});

function residentActorFor(db: Db) {
	return residentActor(db, '1栋', 0);
}

describe('casting ballots', () => {
	it('counts a ballot once, answers a retry with the same receipt, and refuses a second ballot of the household', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		const [a] = residents;
		checkIn(db, a, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		const b = ids();
		expect(castBallot(db, a, { pollId, ...b, choices: ['yes'] }, T0)).toEqual({
			receipt: b.receipt,
			duplicate: false
		});
		expect(castBallot(db, a, { pollId, ...b, choices: ['yes'] }, T0)).toEqual({
			receipt: b.receipt,
			duplicate: true
		});
		expect(() => castBallot(db, a, { pollId, ...ids(), choices: ['no'] }, T0)).toThrow('ALREADY_VOTED');
		expect(db.select().from(pollVote).all()).toHaveLength(1);
		expect(voterStatus(db, meetingId, a.residentId!).votedPolls).toEqual([pollId]);
	});

	it('lets a voter change their ballot only when the rules allow it', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		const [a] = residents;
		checkIn(db, a, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId, { allowChange: true });
		castBallot(db, a, { pollId, ...ids(), choices: ['yes'] }, T0);
		castBallot(db, a, { pollId, ...ids(), choices: ['no'] }, T0);
		closePoll(db, f, pollId, T0 + 1);
		expect(getResolutionView(db, 1).content).toMatchObject({ tally: { perOption: { yes: 0, no: 1 } } });
	});

	it('refuses bad choices, absent voters and outsiders, storing nothing', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		const [a, b] = residents;
		checkIn(db, a, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		expect(() => castBallot(db, a, { pollId, ...ids(), choices: ['maybe'] }, T0)).toThrow('INVALID_CHOICE');
		expect(() => castBallot(db, a, { pollId, ...ids(), choices: ['yes', 'no'] }, T0)).toThrow(
			'INVALID_CHOICE'
		);
		expect(() => castBallot(db, b, { pollId, ...ids(), choices: ['yes'] }, T0)).toThrow('NOT_PRESENT');
		expect(() =>
			castBallot(db, residentActor(db, '2栋'), { pollId, ...ids(), choices: ['yes'] }, T0)
		).toThrow('FORBIDDEN');
		expect(() => castBallot(db, a, { pollId, ballotId: 'x', receipt: 'bad', choices: ['yes'] }, T0)).toThrow(
			'INVALID_INPUT'
		);
		expect(db.select().from(pollVote).all()).toHaveLength(0);
	});

	it('refuses ballots after the timer ran out, even before the server closed the poll', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		checkIn(db, residents[0], meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId, {}, 60);
		expect(() => castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0 + 60_000)).toThrow(
			'POLL_CLOSED'
		);
		expect(closeDuePolls(db, T0 + 60_000)).toEqual([pollId]);
		expect(db.select().from(resolution).all()).toHaveLength(1);
	});

	it('lets everyone eligible vote when the rules say so, present or not', async () => {
		const { db, docs, f, meetingId, residents } = await liveBuildingMeeting();
		const pollId = yesNo(db, docs, f, meetingId, { whoMayVote: 'eligible' });
		expect(castBallot(db, residents[1], { pollId, ...ids(), choices: ['no'] }, T0).duplicate).toBe(false);
	});
});

describe('proxies, assisted ballots and hand counts', () => {
	it('lets a designated proxy vote for its grantor, and only then', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		const [proxyHolder, grantor, other] = residents;
		checkIn(db, proxyHolder, meetingId, code, T0);
		designateProxy(db, grantor, meetingId, proxyHolder.residentId!, T0);
		revokeProxy(db, grantor, meetingId, T0);
		designateProxy(db, grantor, meetingId, proxyHolder.residentId!, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		expect(() => revokeProxy(db, grantor, meetingId, T0)).toThrow('POLL_STATE');
		expect(() =>
			castBallot(
				db,
				proxyHolder,
				{ pollId, ...ids(), choices: ['yes'], forResidentId: other.residentId! },
				T0
			)
		).toThrow('PROXY_NOT_DESIGNATED');
		castBallot(db, proxyHolder, { pollId, ...ids(), choices: ['yes'] }, T0);
		castBallot(
			db,
			proxyHolder,
			{ pollId, ...ids(), choices: ['no'], forResidentId: grantor.residentId! },
			T0
		);
		expect(
			db
				.select({ channel: pollVote.channel })
				.from(pollVote)
				.all()
				.map((v) => v.channel)
				.sort()
		).toEqual(['phone', 'proxy']);
		expect(voterStatus(db, meetingId, proxyHolder.residentId!).proxyFor.map((p) => p.residentId)).toEqual([
			grantor.residentId
		]);
	});

	it('records an assisted ballot with consent only for a present resident, by staff in scope', async () => {
		const { db, docs, f, meetingId, residents } = await liveBuildingMeeting();
		const [elder, absent] = residents;
		markAttendance(db, f, meetingId, elder.residentId!, true, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		const officer = staff(db, 'officer');
		const input = {
			pollId,
			residentId: elder.residentId!,
			choices: ['yes'],
			consentNote: '本人口头同意，邻居在场',
			...ids()
		};
		expect(() => assistBallot(db, officer, { ...input, consentNote: ' ' }, T0)).toThrow('INVALID_INPUT');
		expect(() => assistBallot(db, residents[2], input, T0)).toThrow('FORBIDDEN');
		expect(() =>
			assistBallot(db, officer, { ...input, residentId: absent.residentId!, ...ids() }, T0)
		).toThrow('NOT_PRESENT');
		assistBallot(db, officer, input, T0);
		expect(db.select().from(pollVote).get()).toMatchObject({
			channel: 'assisted',
			recordedByUserId: officer.userId,
			consentNote: '本人口头同意，邻居在场'
		});
	});

	it('bounds hand counts by present households that have not voted otherwise, and logs each entry', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		checkIn(db, residents[0], meetingId, code, T0);
		for (const r of residents.slice(1, 4)) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0);
		expect(() => setHandCounts(db, f, pollId, { yes: 3, no: 1 }, T0)).toThrow('HAND_COUNT_BOUND');
		expect(() => setHandCounts(db, f, pollId, { yes: -1 }, T0)).toThrow('INVALID_INPUT');
		expect(() => setHandCounts(db, residents[0], pollId, { yes: 1 }, T0)).toThrow('FORBIDDEN');
		setHandCounts(db, f, pollId, { yes: 2, no: 1 }, T0);
		setHandCounts(db, f, pollId, { yes: 1, no: 1, abstain: 1 }, T0); // a correction replaces
		expect(db.select().from(handCountEntry).all()).toHaveLength(2);
		const state = meetingState(db, meetingId, T0);
		expect(state.polls[0].tally).toMatchObject({
			perOption: { yes: 2, no: 1, abstain: 1 },
			participating: 4,
			participationByChannel: { phone: 1, hand: 3 },
			quorumReached: true
		});
	});
});

describe('who has not voted', () => {
	it('lists present households without a ballot for a named poll, and refuses for a secret one', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		for (const r of residents.slice(0, 3)) checkIn(db, r, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0);
		expect(missingVoters(db, f, pollId).voters.map((m) => m.residentId)).toEqual([
			residents[1].residentId,
			residents[2].residentId
		]);
		expect(() => missingVoters(db, residents[0], pollId)).toThrow('FORBIDDEN');
		closePoll(db, f, pollId, T0 + 1);
		const secretPoll = yesNo(db, docs, f, meetingId, { secret: true, liveTally: false });
		expect(() => missingVoters(db, f, secretPoll)).toThrow('FORBIDDEN');
	});
});

describe('secret polls', () => {
	it('keeps who voted apart from what was chosen, and publishes receipts with choices after close', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		for (const r of residents.slice(0, 4)) checkIn(db, r, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId, { secret: true, liveTally: false });
		const receipts = residents.slice(0, 4).map((r, i) => {
			const b = ids();
			castBallot(db, r, { pollId, ...b, choices: [i < 3 ? 'yes' : 'no'] }, T0);
			return b.receipt;
		});
		expect(
			db
				.select()
				.from(pollVote)
				.all()
				.every((v) => v.choices === null && v.receipt === null)
		).toBe(true);
		expect(Object.keys(db.select().from(pollChoice).get()!)).toEqual(['pollId', 'receipt', 'choices']);
		expect(meetingState(db, meetingId, T0).polls[0].tally).toBeNull(); // no live count of a secret poll
		const resolutionId = closePoll(db, f, pollId, T0 + 1);
		const view = getResolutionView(db, resolutionId);
		expect((view.content.tally as { perChannel: object }).perChannel).toEqual({});
		const published = new Map(view.content.receipts as Array<[string, string[]]>);
		expect(published.get(receipts[3])).toEqual(['no']);
		expect(view.outcome).toBe('passed');
	});
});

describe('edge cases found in review', () => {
	it('refuses a retried secret ballot that comes back with another receipt', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		checkIn(db, residents[0], meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId, { secret: true, liveTally: false });
		const b = ids();
		castBallot(db, residents[0], { pollId, ...b, choices: ['yes'] }, T0);
		expect(castBallot(db, residents[0], { pollId, ...b, choices: ['yes'] }, T0)).toEqual({
			receipt: b.receipt,
			duplicate: true
		});
		expect(() =>
			castBallot(db, residents[0], { pollId, ...b, receipt: ids().receipt, choices: ['no'] }, T0)
		).toThrow('INVALID_INPUT');
	});

	it('asks the second phone that drew a taken receipt to draw again', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		for (const r of residents.slice(0, 2)) checkIn(db, r, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId, { secret: true, liveTally: false });
		const first = ids();
		castBallot(db, residents[0], { pollId, ...first, choices: ['yes'] }, T0);
		expect(() =>
			castBallot(
				db,
				residents[1],
				{ pollId, ballotId: ids().ballotId, receipt: first.receipt, choices: ['no'] },
				T0
			)
		).toThrow('RECEIPT_TAKEN');
		expect(db.select().from(pollVote).all()).toHaveLength(1);
	});

	it('never counts a household twice, by hand and then by phone', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		for (const r of residents.slice(0, 2)) checkIn(db, r, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0);
		setHandCounts(db, f, pollId, { no: 1 }, T0); // the one present household left, by hand
		expect(() => castBallot(db, residents[1], { pollId, ...ids(), choices: ['yes'] }, T0)).toThrow(
			'HAND_COUNT_BOUND'
		);
		expect(meetingState(db, meetingId, T0).polls[0].tally?.participating).toBe(2);
	});
});

describe('second review', () => {
	it('never lets a late retry of a changed ballot write its old choice back', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		checkIn(db, residents[0], meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId, { allowChange: true });
		const first = ids();
		castBallot(db, residents[0], { pollId, ...first, choices: ['yes'] }, T0);
		const second = ids();
		castBallot(db, residents[0], { pollId, ...second, choices: ['no'] }, T0);
		expect(castBallot(db, residents[0], { pollId, ...first, choices: ['yes'] }, T0)).toEqual({
			receipt: second.receipt,
			duplicate: true
		});
		expect(db.select().from(pollVote).get()!.choices).toEqual(['no']);
	});

	it('answers a retry that arrives after close with the stored receipt', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		checkIn(db, residents[0], meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		const b = ids();
		castBallot(db, residents[0], { pollId, ...b, choices: ['yes'] }, T0);
		closePoll(db, f, pollId, T0 + 1);
		expect(castBallot(db, residents[0], { pollId, ...b, choices: ['yes'] }, T0 + 2)).toEqual({
			receipt: b.receipt,
			duplicate: true
		});
		expect(() => castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0 + 2)).toThrow(
			'POLL_CLOSED'
		);
	});

	it('refuses another voter’s ballot id', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		for (const r of residents.slice(0, 2)) checkIn(db, r, meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		const b = ids();
		castBallot(db, residents[0], { pollId, ...b, choices: ['yes'] }, T0);
		expect(() => castBallot(db, residents[1], { pollId, ...b, choices: ['no'] }, T0)).toThrow(
			'INVALID_INPUT'
		);
	});

	it('will not close a meeting while a poll is open, nor name a proxy during it', async () => {
		const { db, docs, f, meetingId, residents } = await liveBuildingMeeting();
		yesNo(db, docs, f, meetingId);
		expect(() => closeMeeting(db, docs, f, meetingId, T0)).toThrow('POLL_STATE');
		expect(() => designateProxy(db, residents[1], meetingId, residents[0].residentId!, T0)).toThrow(
			'POLL_STATE'
		);
	});

	it('records an assisted ballot only for the named resident in person, not for a housemate', async () => {
		const { db, docs, f, meetingId } = await liveBuildingMeeting();
		const h = db.select().from(resident).where(eq(resident.id, 1)).get()!;
		const housemate = db
			.insert(resident)
			.values({ householdId: h.householdId, name: '王大伯', birthYear: 1950 })
			.returning()
			.get();
		markAttendance(db, f, meetingId, h.id, true, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		expect(() =>
			assistBallot(
				db,
				staff(db, 'officer'),
				{ pollId, residentId: housemate.id, choices: ['yes'], consentNote: '同意', ...ids() },
				T0
			)
		).toThrow('NOT_PRESENT');
	});

	it('shows the hashed outcome even if the outcome column is altered, and refuses closing without an actor', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		checkIn(db, residents[0], meetingId, code, T0);
		const pollId = yesNo(db, docs, f, meetingId);
		expect(() => closePoll(db, null, pollId, T0)).toThrow('UNAUTHENTICATED');
		const id = closePoll(db, f, pollId, T0 + 1);
		db.update(resolution).set({ outcome: 'passed' }).where(eq(resolution.id, id)).run();
		expect(getResolutionView(db, id).outcome).toBe('noQuorum');
	});
});

describe('resolutions', () => {
	it('decides passed, not passed or no quorum on the server and chains every resolution', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		for (const r of residents) checkIn(db, r, meetingId, code, T0);
		const vote = (choices: string[]) => {
			const pollId = yesNo(db, docs, f, meetingId);
			choices.forEach((c, i) => castBallot(db, residents[i], { pollId, ...ids(), choices: [c] }, T0));
			return getResolutionView(db, closePoll(db, f, pollId, T0 + 1)).outcome;
		};
		expect(vote(['yes', 'yes', 'yes', 'no'])).toBe('passed');
		expect(vote(['yes', 'yes', 'no', 'no'])).toBe('notPassed');
		expect(vote(['yes', 'yes', 'yes'])).toBe('noQuorum');
		expect(verifyCommunityChain(db, 1)).toBeNull();
		const rows = db.select().from(resolution).all();
		expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
		expect(rows[1].prevHash).toBe(rows[0].hash);
		// Someone edits the second resolution in the database: the chain says where.
		db.update(resolution)
			.set({ content: { ...rows[1].content, outcome: 'passed' } })
			.where(eq(resolution.id, rows[1].id))
			.run();
		expect(verifyCommunityChain(db, 1)).toEqual({ seq: 2, reason: 'hash' });
	});

	it('resolves the proposal the agenda item answers', async () => {
		const { db, docs, f, meetingId, residents, code } = await liveBuildingMeeting();
		for (const r of residents) checkIn(db, r, meetingId, code, T0);
		const proposalId = fileProposal(db, residents[0], {
			title: '加装电梯',
			description: '六楼老人多',
			category: 'facilities',
			about: { type: 'building', id: 1 }
		});
		const itemId = addProposalToAgenda(db, docs, f, meetingId, proposalId);
		const pollId = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: itemId,
				question: '同意加装电梯？',
				type: 'yesNoAbstain',
				rules: DEFAULT_RULES,
				durationSeconds: null
			},
			T0
		);
		residents.slice(0, 4).forEach((r) => castBallot(db, r, { pollId, ...ids(), choices: ['yes'] }, T0));
		const view = getResolutionView(db, closePoll(db, f, pollId, T0 + 1));
		expect(view.content).toMatchObject({ proposalId, agendaItemId: itemId });
		expect(db.select().from(proposal).get()!.status).toBe('resolved');
		expect(() => closePoll(db, f, pollId, T0 + 2)).toThrow('POLL_CLOSED');
	});
});
