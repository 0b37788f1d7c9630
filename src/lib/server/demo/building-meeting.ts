/**
 * The demo's past 楼栋议事会 of 1栋, a week before the seed day, run as a facilitator runs one: an agenda
 * with notes (two items from residents' proposals), residents checking in by phone or marked present,
 * a proxy and an assisted ballot, two speakers, a named poll with a show of hands and a secret one
 * (their resolutions go into the community's hash chain), then minutes signed by the facilitator and
 * two residents who were there, which freezes them.
 */
import { addItem, itemText } from '$lib/agenda';
import { addProposalToAgenda } from '../domain/agenda';
import { checkIn, giveFloor, markAttendance, raiseHand, setSpeechLimit } from '../domain/attendance';
import { assistBallot, castBallot, designateProxy, setHandCounts } from '../domain/ballots';
import {
	agendaDocName,
	closeMeeting,
	createMeeting,
	getMeeting,
	openMeeting,
	setCurrentItem
} from '../domain/meetings';
import { saveSummary, signMinutes } from '../domain/minutes';
import { openPoll } from '../domain/polls';
import { closePoll } from '../domain/resolutions';
import { DEFAULT_RULES } from '../domain/tally';
import type { Story } from './cast';
import type { StoryProposals } from './proposals';

export function holdBuildingMeeting(s: Story, p: StoryProposals) {
	const { db, docs } = s;
	const f = s.staff('facilitator');
	const day = -7;
	const t = (minute: number) => s.at(day, 19, 30 + minute);
	const meetingId = createMeeting(
		db,
		f,
		{
			title: '1栋楼栋议事会（第一次）',
			scopeType: 'building',
			scopeId: s.buildingId('1栋'),
			startsAt: new Date(t(0)),
			place: '湖畔驿站 议事室',
			votingUnit: 'household',
			isPublic: true
		},
		s.at(-14, 10)
	);
	const fireItem = addProposalToAgenda(db, docs, f, meetingId, p.fireLane);
	const stairsItem = addProposalToAgenda(db, docs, f, meetingId, p.stairs);
	docs.change(agendaDocName(meetingId), (doc) => {
		const notes = (id: string, text: string) => {
			const notes = itemText(doc, id, 'notes')!;
			notes.insert(notes.length, text);
		};
		notes(fireItem, '\n\n现场意见：单元门口东侧空地可划为停放区；物业同意装 12 个充电口，费用先由物业垫付。');
		notes(stairsItem, '\n\n现场意见：先由楼栋长挨户提醒一周，仍未搬走的由物业统一清运。');
		addItem(doc, {
			title: '楼栋长老夏介绍议事规则',
			minutes: 5,
			notes: '提议—商议—决议—评议；每人发言不超过 3 分钟。'
		});
	});

	// 1栋 has six households: three check in by phone, two are marked present (no phone, or a phone
	// left at home), and the sixth, away, gives their vote to a neighbour.
	openMeeting(db, f, meetingId, t(0));
	const r = [0, 1, 2, 3, 4, 5].map((n) => s.resident('1栋', n));
	const { joinCode } = getMeeting(db, meetingId);
	for (const a of r.slice(0, 3)) checkIn(db, a, meetingId, joinCode, t(1));
	markAttendance(db, f, meetingId, r[3].residentId!, true, t(2));
	markAttendance(db, f, meetingId, r[4].residentId!, true, t(2));
	designateProxy(db, r[5], meetingId, r[0].residentId!, t(3));

	setSpeechLimit(db, f, meetingId, 180, t(4));
	setCurrentItem(db, f, meetingId, fireItem);
	const first = raiseHand(db, r[1], meetingId, t(6));
	const second = raiseHand(db, r[3], meetingId, t(7));
	giveFloor(db, f, meetingId, first, t(8));
	giveFloor(db, f, meetingId, second, t(10));
	giveFloor(db, f, meetingId, null, t(12));

	// Named: phones, a proxy, an assisted ballot and one show of hands counted by the facilitator.
	const named = openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: fireItem,
			question: '是否在单元门口东侧划定电动车停放区并加装充电桩，消防通道禁止停放？',
			type: 'yesNoAbstain',
			rules: DEFAULT_RULES,
			durationSeconds: null
		},
		t(14)
	);
	const cast = (a: (typeof r)[number], choice: string, extra: { forResidentId?: number } = {}) =>
		castBallot(db, a, { pollId: named, ...s.ballot(), choices: [choice], ...extra }, t(15));
	cast(r[0], 'yes');
	cast(r[1], 'yes');
	cast(r[2], 'no');
	cast(r[0], 'yes', { forResidentId: r[5].residentId! });
	assistBallot(
		db,
		s.staff('officer'),
		{
			pollId: named,
			residentId: r[4].residentId!,
			choices: ['yes'],
			consentNote: '老人视力不好，本人口头表示同意，由信息员代为点选',
			...s.ballot()
		},
		t(15)
	);
	setHandCounts(db, f, named, { yes: 1 }, t(16));
	const fireResolution = closePoll(db, f, named, t(17));

	setCurrentItem(db, f, meetingId, stairsItem);
	const secret = openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: stairsItem,
			question: '是否同意一周后由物业统一清运楼道内仍未搬走的杂物？',
			type: 'yesNoAbstain',
			rules: { ...DEFAULT_RULES, secret: true, liveTally: false },
			durationSeconds: null
		},
		t(25)
	);
	for (const [a, choice] of [
		[r[0], 'yes'],
		[r[1], 'yes'],
		[r[2], 'abstain']
	] as const)
		castBallot(db, a, { pollId: secret, ...s.ballot(), choices: [choice] }, t(26));
	castBallot(
		db,
		r[0],
		{ pollId: secret, ...s.ballot(), choices: ['yes'], forResidentId: r[5].residentId! },
		t(26)
	);
	const stairsResolution = closePoll(db, f, secret, t(28));
	closeMeeting(db, docs, f, meetingId, t(40));

	saveSummary(
		db,
		f,
		meetingId,
		'本次会议应到 6 户，实到 5 户，另 1 户委托邻居代为表决。\n' +
			'一、电动车停放：同意在单元门口东侧划定停放区并加装 12 个充电口，消防通道禁止停放，由楼栋长牵头落实。\n' +
			'二、楼道杂物：同意先提醒一周，逾期由物业统一清运（无记名表决）。',
		t(45)
	);
	signMinutes(db, docs, f, meetingId, t(46));
	signMinutes(db, docs, r[1], meetingId, s.at(day + 1, 9));
	signMinutes(db, docs, r[2], meetingId, s.at(day + 1, 10));
	return { meetingId, fireResolution, stairsResolution };
}
