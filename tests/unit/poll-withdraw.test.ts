import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEntry, followUp, poll, resolution } from '$lib/server/db/schema';
import { checkIn } from '$lib/server/domain/attendance';
import { castBallot, setHandCounts } from '$lib/server/domain/ballots';
import { getMeeting } from '$lib/server/domain/meetings';
import { meetingState } from '$lib/server/domain/meeting-state';
import { openPoll } from '$lib/server/domain/polls';
import { closePoll, verifyCommunityChain, withdrawPoll } from '$lib/server/domain/resolutions';
import { noticeBoard } from '$lib/server/domain/notice-board';
import { DEFAULT_RULES } from '$lib/server/domain/tally';
import { ballotIds } from '../helpers/ballot-ids';
import { openDemoMeeting, residentActor } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const ids = ballotIds('withdraw');

async function openOne() {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const residents = [0, 1].map((i) => residentActor(db, '1栋', i));
	for (const r of residents) checkIn(db, r, meetingId, getMeeting(db, meetingId).joinCode, T0);
	const open = () =>
		openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: null,
				question: '是否同意更换楼道灯？',
				type: 'yesNoAbstain',
				rules: { ...DEFAULT_RULES },
				durationSeconds: null
			},
			T0
		);
	return { db, f, meetingId, residents, open, pollId: open() };
}

const snapshot = (db: Awaited<ReturnType<typeof openOne>>['db']) => ({
	polls: db.select().from(poll).all(),
	resolutions: db.select().from(resolution).all(),
	audit: db.select().from(auditEntry).all().length
});

describe('withdrawing a poll opened by mistake', () => {
	it('closes it as withdrawn in the audit log and the resolution chain, never deleting it', async () => {
		const { db, f, meetingId, open, pollId } = await openOne();
		const resolutionId = withdrawPoll(db, f, pollId, T0 + 1000);

		expect(db.select().from(poll).where(eq(poll.id, pollId)).get()!.status).toBe('closed');
		const r = db.select().from(resolution).where(eq(resolution.id, resolutionId)).get()!;
		expect(r.outcome).toBe('withdrawn');
		expect(r.content).toMatchObject({ question: '是否同意更换楼道灯？', outcome: 'withdrawn', receipts: [] });
		expect(verifyCommunityChain(db, 1)).toBeNull();
		expect(db.select().from(followUp).where(eq(followUp.resolutionId, resolutionId)).all()).toEqual([]);
		const audit = db.select().from(auditEntry).where(eq(auditEntry.action, 'poll.withdraw')).all();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ subjectType: 'poll', subjectId: pollId, actorUserId: f.userId });

		// Every screen shows it as withdrawn; the board lists it in the chain as such.
		expect(meetingState(db, meetingId, T0 + 2000).polls[0].result?.outcome).toBe('withdrawn');
		expect(noticeBoard(db, 1).resolutions[0]).toMatchObject({ id: resolutionId, outcome: 'withdrawn' });
		// The meeting goes on: the right poll can be opened now.
		expect(open()).toBeGreaterThan(pollId);
	});

	it('refuses once a ballot or a hand count exists, and from anyone else, changing nothing', async () => {
		const { db, f, residents, pollId } = await openOne();
		expect(() => withdrawPoll(db, residents[0], pollId, T0 + 1)).toThrow('FORBIDDEN');
		castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0 + 2);
		const before = snapshot(db);
		expect(() => withdrawPoll(db, f, pollId, T0 + 3)).toThrow('POLL_HAS_BALLOTS');
		expect(snapshot(db)).toEqual(before);

		closePoll(db, f, pollId, T0 + 4);
		expect(() => withdrawPoll(db, f, pollId, T0 + 5)).toThrow('POLL_CLOSED');
	});

	it('counts hands as ballots: a hand count already entered cannot be withdrawn away', async () => {
		const { db, f, pollId } = await openOne();
		setHandCounts(db, f, pollId, { yes: 1 }, T0 + 1);
		setHandCounts(db, f, pollId, {}, T0 + 2); // corrected to nothing: the entries still stand
		const before = snapshot(db);
		expect(() => withdrawPoll(db, f, pollId, T0 + 3)).toThrow('POLL_HAS_BALLOTS');
		expect(snapshot(db)).toEqual(before);
	});
});
