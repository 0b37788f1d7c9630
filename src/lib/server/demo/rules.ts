/**
 * The demo's 居民公约: drafted by the committee, adopted clause by clause at a 居民会议 two weeks before
 * the seed day (then the whole text, which is what can be published), published; since then the draft
 * took a new clause, and residents left suggestions the committee has not decided yet.
 */
import * as Y from 'yjs';
import { NODE, RULES_FRAGMENT, rulesDocName } from '$lib/rules/schema';
import { markAttendance } from '../domain/attendance';
import { setHandCounts } from '../domain/ballots';
import { closeMeeting, createMeeting, openMeeting } from '../domain/meetings';
import { closePoll } from '../domain/resolutions';
import { acceptSuggestion, addComment, replyToComment } from '../domain/rules-comments';
import { publishRules, putRulesToVote } from '../domain/rules-adoption';
import { recordEdits, saveVersion } from '../domain/rules-versions';
import type { Story } from './cast';

const TITLE = '湖畔社区居民公约';
const CLAUSES = [
	'爱护公共设施，不损坏小区绿化、路灯和健身器材。',
	'电动车停放在指定停放区，在充电桩充电，不在楼道、消防通道停放或充电。',
	'楼道、消防通道保持畅通，不堆放杂物。',
	'不高空抛物，不从窗口、阳台向外丢弃物品。',
	'车辆在小区内慢行，按标志方向进出，不逆行、不占用消防通道。',
	'邻里有事多商量，矛盾纠纷先提交楼栋议事会协商。'
];

function element(name: string, text: string) {
	const el = new Y.XmlElement(name);
	el.insert(0, [new Y.XmlText(text)]);
	return el;
}

function clause(id: string, text: string) {
	const c = new Y.XmlElement(NODE.clause);
	c.setAttribute('id', id);
	c.insert(0, [element(NODE.paragraph, text)]);
	return c;
}

export function rulesStory(s: Story) {
	const { db, docs } = s;
	const committee = s.staff('committee');
	const f = s.staff('facilitator');
	const name = rulesDocName(committee.communityId);
	const ids = CLAUSES.map((_, i) => `c${i + 1}`);
	// The committee's draft, as the co-editor stores it (src/lib/rules/schema.ts).
	docs.change(name, (doc) => {
		const chapter = element(NODE.chapter, '总则');
		chapter.setAttribute('id', 'ch1');
		doc
			.getXmlFragment(RULES_FRAGMENT)
			.insert(0, [element(NODE.title, TITLE), chapter, ...CLAUSES.map((text, i) => clause(ids[i], text))]);
	});
	recordEdits(db, committee.communityId, ids, committee.userId, s.at(-21, 10));
	saveVersion(db, docs, committee, '征求意见稿', s.at(-21, 11));

	const day = -14;
	const t = (minute: number) => s.at(day, 19, minute);
	const meetingId = createMeeting(
		db,
		f,
		{
			title: '湖畔社区居民会议（表决居民公约）',
			scopeType: 'community',
			scopeId: committee.communityId,
			startsAt: new Date(t(0)),
			place: '湖畔驿站 多功能厅',
			votingUnit: 'resident',
			isPublic: true,
			body: 'residentAssembly'
		},
		s.at(day - 10, 10)
	);
	openMeeting(db, f, meetingId, t(0));
	// 28 of the 42 adults came (more than half, as the law asks of a 居民会议).
	const present = ['1栋', '2栋', '3栋', '4栋', '5栋', '6栋', '7栋'].flatMap((b) =>
		[0, 1, 2, 3].map((n) => s.resident(b, n))
	);
	for (const a of present) markAttendance(db, f, meetingId, a.residentId!, true, t(2));

	// Clause by clause, then the whole text; every vote by a show of hands.
	let minute = 5;
	const vote = (clauseIds: string[] | null, hands: Record<string, number>) => {
		const { pollId } = putRulesToVote(db, docs, f, { meetingId, clauseIds }, t(minute));
		setHandCounts(db, f, pollId, hands, t(minute + 2));
		const resolutionId = closePoll(db, f, pollId, t(minute + 3));
		minute += 5;
		return resolutionId;
	};
	for (const id of ids) vote([id], id === 'c2' ? { yes: 22, no: 4, abstain: 2 } : { yes: 26, abstain: 2 });
	const whole = vote(null, { yes: 25, no: 1, abstain: 2 });
	closeMeeting(db, docs, f, meetingId, t(minute + 5));
	const publicationId = publishRules(
		db,
		committee,
		{ resolutionId: whole, effectiveFrom: s.dateOn(day + 7) },
		s.at(day + 1, 10)
	);

	// Since then: a new clause on dogs, and suggestions on it and on the e-bike clause, still open.
	docs.change(name, (doc) => {
		const fragment = doc.getXmlFragment(RULES_FRAGMENT);
		fragment.insert(fragment.length, [clause('c7', '养犬居民出门牵绳，及时清理犬只粪便。')]);
	});
	recordEdits(db, committee.communityId, ['c7'], committee.userId, s.at(-3, 10));
	const accepted = addComment(
		db,
		docs,
		s.resident('5栋', 1),
		{
			clauseId: 'c7',
			kind: 'suggestion',
			body: '电梯里也要管住狗',
			suggestion: '养犬居民出门牵绳，乘电梯时抱起或收短牵引绳，及时清理犬只粪便。'
		},
		s.at(-3, 20)
	);
	acceptSuggestion(db, docs, committee, accepted, s.at(-2, 9));
	addComment(
		db,
		docs,
		s.resident('2栋', 2),
		{
			clauseId: 'c2',
			kind: 'suggestion',
			body: '充电桩不够的楼栋怎么办？建议写明由物业增设。',
			suggestion:
				'电动车停放在指定停放区，在充电桩充电，不在楼道、消防通道停放或充电；充电桩不足的，由物业按需增设。'
		},
		s.at(-2, 19)
	);
	addComment(
		db,
		docs,
		s.resident('7栋', 2),
		{
			clauseId: 'c7',
			kind: 'suggestion',
			body: '建议加上遛狗时间',
			suggestion:
				'养犬居民出门牵绳，乘电梯时抱起或收短牵引绳，早七点前、晚九点后不在楼道遛狗，及时清理犬只粪便。'
		},
		s.at(-1, 21)
	);
	const question = addComment(
		db,
		docs,
		s.resident('3栋', 3),
		{ clauseId: 'c3', kind: 'comment', body: '纸箱卖废品之前可以在门口放一天吗？', quote: '不堆放杂物' },
		s.at(-1, 8)
	);
	replyToComment(db, committee, question, '可以暂放在楼下回收点，不要放在楼道里。', s.at(-1, 9));
	return { meetingId, publicationId, wholeResolution: whole };
}
