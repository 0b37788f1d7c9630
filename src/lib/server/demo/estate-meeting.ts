/**
 * The demo's first estate-wide 议事会 a month before the seed day, on two proposals of the whole
 * estate, decided by a show of hands: 潮汐车位 (carried out and rated since) and the wrong-way traffic
 * at the gate (handed to 县交警大队, whose liaison answered).
 */
import { addProposalToAgenda } from '../domain/agenda';
import { markAttendance } from '../domain/attendance';
import { castBallot, setHandCounts } from '../domain/ballots';
import { closeMeeting, createMeeting, openMeeting, setCurrentItem } from '../domain/meetings';
import { openPoll } from '../domain/polls';
import { closePoll } from '../domain/resolutions';
import { DEFAULT_RULES } from '../domain/tally';
import type { Story } from './cast';
import type { StoryProposals } from './proposals';

export const ESTATE_MEETING_DAY = -30;
const BUILDINGS = ['1栋', '2栋', '3栋', '4栋', '5栋', '6栋', '7栋'];

export function holdEstateMeeting(s: Story, p: StoryProposals) {
	const { db, docs } = s;
	const f = s.staff('facilitator');
	const t = (minute: number) => s.at(ESTATE_MEETING_DAY, 19, 30 + minute);
	const meetingId = createMeeting(
		db,
		f,
		{
			title: '富春小区居民议事会（停车与出行）',
			scopeType: 'estate',
			scopeId: s.estateId,
			startsAt: new Date(t(0)),
			place: '小区广场',
			votingUnit: 'household',
			isPublic: true
		},
		s.at(ESTATE_MEETING_DAY - 7, 10)
	);
	const tidalItem = addProposalToAgenda(db, docs, f, meetingId, p.tidal);
	const gateItem = addProposalToAgenda(db, docs, f, meetingId, p.wrongWay);
	openMeeting(db, f, meetingId, t(0));
	// 26 of the 42 households came; most without a phone, marked present by the facilitator.
	const present = BUILDINGS.flatMap((b) => [0, 1, 2, 3].map((n) => s.resident(b, n))).slice(0, 26);
	for (const a of present) markAttendance(db, f, meetingId, a.residentId!, true, t(1));

	const decide = (
		itemId: string,
		question: string,
		phones: number,
		hands: Record<string, number>,
		at: number
	) => {
		setCurrentItem(db, f, meetingId, itemId);
		const pollId = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: itemId,
				question,
				type: 'yesNoAbstain',
				rules: DEFAULT_RULES,
				durationSeconds: null
			},
			at
		);
		for (const a of present.slice(0, phones))
			castBallot(db, a, { pollId, ...s.ballot(), choices: ['yes'] }, at + 60_000);
		setHandCounts(db, f, pollId, hands, at + 120_000);
		return closePoll(db, f, pollId, at + 180_000);
	};
	const tidal = decide(
		tidalItem,
		'是否试行“潮汐车位”：白天空出的车位登记共享，晚七点前让出？',
		4,
		{ yes: 17, no: 3, abstain: 2 },
		t(10)
	);
	const gate = decide(
		gateItem,
		'是否请县交警大队在小区门口增设隔离栏和警示标志，并由物业加强巡查？',
		4,
		{ yes: 21, abstain: 1 },
		t(30)
	);
	closeMeeting(db, docs, f, meetingId, t(50));
	return { meetingId, tidalResolution: tidal, gateResolution: gate };
}
