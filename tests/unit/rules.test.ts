import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { readRules } from '$lib/rules/clauses';
import { rulesDocName } from '$lib/rules/schema';
import { rulesComment, rulesPublication, rulesVersion } from '$lib/server/db/schema';
import { markAttendance } from '$lib/server/domain/attendance';
import { castBallot } from '$lib/server/domain/ballots';
import { chainHash, GENESIS_HASH } from '$lib/server/domain/hash-chain';
import { createMeeting, openMeeting } from '$lib/server/domain/meetings';
import { closePoll } from '$lib/server/domain/resolutions';
import {
	acceptSuggestion,
	addComment,
	declineSuggestion,
	listComments,
	replyToComment
} from '$lib/server/domain/rules-comments';
import { adoptedClauses, publishable, publishRules, putRulesToVote } from '$lib/server/domain/rules-adoption';
import { changesSince, listVersions, recordEdits, saveVersion } from '$lib/server/domain/rules-versions';
import { createYjsServer } from '$lib/server/yjs';
import { demoDb, residentActor, staff } from '../helpers/demo-db';
import { writeDraft } from '../helpers/rules-draft';

const T0 = Date.UTC(2026, 10, 27, 11);
const CLAUSES = ['爱护公共设施。', '垃圾分类投放。', '不在楼道堆放杂物。'];

async function draft() {
	const db = await demoDb();
	const docs = createYjsServer({ db });
	docs.change(rulesDocName(1), (doc) => writeDraft(doc, '富春小区居民公约', CLAUSES));
	return { db, docs, committee: staff(db, 'committee'), resident: residentActor(db, '1栋', 0) };
}

let n = 0;
const ids = () => ({ ballotId: `rules-ballot-${++n}-xxxx`, receipt: `abcdefghj${'kmnpqrstuv'[n % 10]}` });

describe('rules versions and comments', () => {
	it('saves named versions for the committee only', async () => {
		const { db, docs, committee, resident } = await draft();
		expect(() => saveVersion(db, docs, resident, '初稿')).toThrow('FORBIDDEN');
		expect(() => saveVersion(db, docs, committee, '  ')).toThrow('INVALID_INPUT');
		saveVersion(db, docs, committee, '初稿', T0);
		const [v] = listVersions(db, resident);
		expect(v).toMatchObject({ name: '初稿', clauses: 3, author: '两委委员 陈国强' });
		await docs.close();
	});

	it('takes comments and suggestions on a clause, never on a deleted one', async () => {
		const { db, docs, committee, resident } = await draft();
		const id = addComment(db, docs, resident, {
			clauseId: 'c2',
			kind: 'comment',
			body: '分几类？',
			quote: '分类'
		});
		expect(() =>
			addComment(db, docs, resident, { clauseId: 'gone', kind: 'comment', body: '这条呢？' })
		).toThrow('CLAUSE_GONE');
		expect(() =>
			addComment(db, docs, resident, { clauseId: 'c2', kind: 'suggestion', body: '改一下', suggestion: ' ' })
		).toThrow('INVALID_INPUT');
		replyToComment(db, committee, id, '四类，见附件。');
		expect(() => replyToComment(db, resident, id, '好')).toThrow('FORBIDDEN');
		const [c] = listComments(db, resident);
		expect(c).toMatchObject({ body: '分几类？', replies: [{ body: '四类，见附件。' }] });
		expect(db.select().from(rulesComment).all()).toHaveLength(2);
		await docs.close();
	});

	it('accepting a suggestion replaces the clause once, credited to its author; declining needs a reason', async () => {
		const { db, docs, committee, resident } = await draft();
		const s = addComment(db, docs, resident, {
			clauseId: 'c3',
			kind: 'suggestion',
			body: '电动车也不能放楼道',
			suggestion: '不在楼道堆放杂物，不在楼道停放或充电电动车。'
		});
		acceptSuggestion(db, docs, committee, s, T0);
		expect(docs.read(rulesDocName(1), readRules).items.find((i) => i.id === 'c3')!.text).toBe(
			'不在楼道堆放杂物，不在楼道停放或充电电动车。'
		);
		expect(() => acceptSuggestion(db, docs, committee, s)).toThrow('SUGGESTION_DECIDED');
		expect(changesSince(db, committee, null).get('c3')).toEqual([resident.displayName]);
		const other = addComment(db, docs, resident, {
			clauseId: 'c1',
			kind: 'suggestion',
			body: '改',
			suggestion: '爱护。'
		});
		expect(() => declineSuggestion(db, committee, other, ' ')).toThrow('INVALID_INPUT');
		declineSuggestion(db, committee, other, '原文已经涵盖');
		expect(() => acceptSuggestion(db, docs, committee, other)).toThrow('SUGGESTION_DECIDED');
		expect(docs.read(rulesDocName(1), readRules).items.find((i) => i.id === 'c1')!.text).toBe(
			'爱护公共设施。'
		);
		await docs.close();
	});

	it('lists who changed which clause since a version', async () => {
		const { db, committee } = await draft();
		recordEdits(db, 1, ['c1'], committee.userId, T0 - 3_600_000);
		recordEdits(db, 1, ['c2'], committee.userId, T0 + 60_000);
		const since = changesSince(db, committee, new Date(T0));
		expect([...since.keys()]).toEqual(['c2']);
	});
});

async function villageMeeting(db: Awaited<ReturnType<typeof demoDb>>) {
	const f = staff(db, 'facilitator');
	const meetingId = createMeeting(db, f, {
		title: '1栋村民会议',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(T0),
		place: '祠堂',
		votingUnit: 'resident',
		isPublic: true,
		body: 'villagerAssembly'
	});
	openMeeting(db, f, meetingId, T0);
	const voters = [0, 1, 2, 3].map((i) => residentActor(db, '1栋', i));
	for (const v of voters) markAttendance(db, f, meetingId, v.residentId!, true, T0);
	return { f, meetingId, voters };
}

describe('adopting and publishing', () => {
	it('adopts the clauses of a passed poll as voted, and publishes a whole draft once, hashed', async () => {
		const { db, docs, committee, resident } = await draft();
		const { f, meetingId, voters } = await villageMeeting(db);
		expect(() => putRulesToVote(db, docs, resident, { meetingId, clauseIds: ['c1'] })).toThrow('FORBIDDEN');
		expect(() => putRulesToVote(db, docs, f, { meetingId, clauseIds: ['nope'] })).toThrow('CLAUSE_GONE');
		const one = putRulesToVote(db, docs, f, { meetingId, clauseIds: ['c2'] }, T0);
		for (const v of voters) castBallot(db, v, { pollId: one.pollId, ...ids(), choices: ['yes'] }, T0 + 1);
		const r1 = closePoll(db, f, one.pollId, T0 + 2);
		expect([...adoptedClauses(db, 1).keys()]).toEqual(['c2']);
		expect(() => publishRules(db, committee, { resolutionId: r1, effectiveFrom: '2027-01-01' })).toThrow(
			'NOT_FOUND'
		);

		const whole = putRulesToVote(db, docs, f, { meetingId, clauseIds: null }, T0 + 3);
		for (const v of voters) castBallot(db, v, { pollId: whole.pollId, ...ids(), choices: ['yes'] }, T0 + 4);
		const r2 = closePoll(db, f, whole.pollId, T0 + 5);
		expect(publishable(db, 1).map((p) => p.resolutionId)).toEqual([r2]);
		expect(() => publishRules(db, committee, { resolutionId: r2, effectiveFrom: '2027-13-40' })).toThrow(
			'INVALID_INPUT'
		);
		const pubId = publishRules(db, committee, { resolutionId: r2, effectiveFrom: '2027-01-01' }, T0 + 6);
		expect(() => publishRules(db, committee, { resolutionId: r2, effectiveFrom: '2027-01-01' })).toThrow(
			'DUPLICATE'
		);
		const pub = db.select().from(rulesPublication).where(eq(rulesPublication.id, pubId)).get()!;
		const version = db.select().from(rulesVersion).where(eq(rulesVersion.id, whole.versionId)).get()!;
		expect(pub.hash).toBe(
			chainHash(GENESIS_HASH, 1, { text: version.text, resolutionId: r2, effectiveFrom: '2027-01-01' })
		);
		expect(pub.text.items.filter((i) => i.kind === 'clause')).toHaveLength(3);
		await docs.close();
	});

	it('takes a 30-clause covenant from draft to a published text, numbered 第一条 to 第三十条', async () => {
		const { db, docs, committee } = await draft();
		const clauses = Array.from({ length: 30 }, (_, i) => `第${i + 1}项约定：邻里互助，文明相处。`);
		docs.change(rulesDocName(1), (doc) => writeDraft(doc, '富春村村规民约', clauses));
		const { f, meetingId, voters } = await villageMeeting(db);
		const whole = putRulesToVote(db, docs, f, { meetingId, clauseIds: null }, T0);
		for (const v of voters) castBallot(db, v, { pollId: whole.pollId, ...ids(), choices: ['yes'] }, T0 + 1);
		const r = closePoll(db, f, whole.pollId, T0 + 2);
		expect(adoptedClauses(db, 1).size).toBe(30);
		const id = publishRules(db, committee, { resolutionId: r, effectiveFrom: '2027-01-01' }, T0 + 3);
		const pub = db.select().from(rulesPublication).where(eq(rulesPublication.id, id)).get()!;
		const labels = pub.text.items.filter((i) => i.kind === 'clause').map((i) => i.label);
		expect(labels).toHaveLength(30);
		expect([labels[0], labels[9], labels[19], labels[29]]).toEqual([
			'第一条',
			'第十条',
			'第二十条',
			'第三十条'
		]);
		await docs.close();
	});

	it('refuses to publish a text whose adoption poll failed', async () => {
		const { db, docs, committee } = await draft();
		const { f, meetingId, voters } = await villageMeeting(db);
		const whole = putRulesToVote(db, docs, f, { meetingId, clauseIds: null }, T0);
		for (const v of voters) castBallot(db, v, { pollId: whole.pollId, ...ids(), choices: ['no'] }, T0 + 1);
		const r = closePoll(db, f, whole.pollId, T0 + 2);
		expect(() => publishRules(db, committee, { resolutionId: r, effectiveFrom: '2027-01-01' })).toThrow(
			'ADOPTION_FAILED'
		);
		expect(db.select().from(rulesPublication).all()).toHaveLength(0);
		expect(adoptedClauses(db, 1).size).toBe(0);
		await docs.close();
	});
});
