import { describe, expect, it } from 'vitest';
import { checkIn } from '$lib/server/domain/attendance';
import { castBallot, missingVoters, setHandCounts } from '$lib/server/domain/ballots';
import { getMeeting } from '$lib/server/domain/meetings';
import { meetingState } from '$lib/server/domain/meeting-state';
import { openPoll } from '$lib/server/domain/polls';
import { DEFAULT_RULES, type PollRules } from '$lib/server/domain/tally';
import { ballotIds } from '../helpers/ballot-ids';
import { openDemoMeeting, residentActor } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const ids = ballotIds('missing');

/** 1栋 (six households, one resident each in the demo), everyone checked in, a named yes/no poll. */
async function roomOfSix(rules: Partial<PollRules> = {}) {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const residents = [0, 1, 2, 3, 4, 5].map((i) => residentActor(db, '1栋', i));
	const code = getMeeting(db, meetingId).joinCode;
	for (const r of residents) checkIn(db, r, meetingId, code, T0);
	const pollId = openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: null,
			question: '是否同意更换楼道灯？',
			type: 'yesNoAbstain',
			rules: { ...DEFAULT_RULES, ...rules },
			durationSeconds: null
		},
		T0
	);
	return { db, f, meetingId, residents, pollId };
}

describe('尚未投票 after an anonymous hand count', () => {
	it('lists nobody once the hands cover every present household, as the tally says', async () => {
		const { db, f, meetingId, residents, pollId } = await roomOfSix();
		for (const r of residents.slice(0, 5)) castBallot(db, r, { pollId, ...ids(), choices: ['yes'] }, T0);
		setHandCounts(db, f, pollId, { no: 1 }, T0);
		const tally = meetingState(db, meetingId, T0).polls[0].tally!;
		expect(tally.participating).toBe(6);
		expect(tally.eligible).toBe(6);
		const missing = missingVoters(db, f, pollId);
		expect(missing.voters).toEqual([]);
		expect(missing.remaining).toBe(tally.eligible - tally.participating);
	});

	it('keeps the present households the hands may stand for, and counts only those still to vote', async () => {
		const { db, f, meetingId, residents, pollId } = await roomOfSix();
		for (const r of residents.slice(0, 3)) castBallot(db, r, { pollId, ...ids(), choices: ['yes'] }, T0);
		setHandCounts(db, f, pollId, { no: 1 }, T0);
		const tally = meetingState(db, meetingId, T0).polls[0].tally!;
		const missing = missingVoters(db, f, pollId);
		// Three households have no named ballot; one of them raised a hand, nobody knows which.
		expect(missing.voters.map((v) => v.residentId)).toEqual(residents.slice(3).map((r) => r.residentId));
		expect(missing.handsCounted).toBe(1);
		expect(missing.remaining).toBe(2);
		expect(missing.remaining).toBe(tally.eligible - tally.participating);
	});

	it('says who is in the room, so the console can show present households first', async () => {
		const { db, docs, f, meetingId } = await openDemoMeeting(T0);
		const residents = [0, 1, 2].map((i) => residentActor(db, '1栋', i));
		checkIn(db, residents[0], meetingId, getMeeting(db, meetingId).joinCode, T0);
		const pollId = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: null,
				question: '是否同意？',
				type: 'yesNoAbstain',
				rules: { ...DEFAULT_RULES, whoMayVote: 'eligible' },
				durationSeconds: null
			},
			T0
		);
		const rows = missingVoters(db, f, pollId).voters;
		expect(rows).toHaveLength(6);
		expect(rows.filter((r) => r.present).map((r) => r.residentId)).toEqual([residents[0].residentId]);
	});
});
