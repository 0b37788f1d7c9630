import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import {
	followUp,
	meeting,
	minutes,
	rating,
	resident,
	resolution,
	rulesPublication,
	rulesVersion,
	user
} from '$lib/server/db/schema';
import { checkIn } from '$lib/server/domain/attendance';
import { castBallot } from '$lib/server/domain/ballots';
import { getMeeting } from '$lib/server/domain/meetings';
import { openPoll } from '$lib/server/domain/polls';
import { closePoll } from '$lib/server/domain/resolutions';
import { checkChain, noticeBoard } from '$lib/server/domain/notice-board';
import { chainHash } from '$lib/server/domain/hash-chain';
import { DEFAULT_RULES } from '$lib/server/domain/tally';

import { demoDb, openDemoMeeting, residentActor } from '../helpers/demo-db';
import { DAY } from '../helpers/records';

const T0 = Date.UTC(2026, 2, 10, 2);

/**
 * Three real resolutions through the domain: a 1栋 meeting where four of six households check in; the
 * first poll passes with their four votes, the other two close with nobody voting (no quorum).
 */
async function councilWithResolutions() {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const code = getMeeting(db, meetingId).joinCode;
	const voters = [0, 1, 2, 3].map((i) => residentActor(db, '1栋', i));
	for (const v of voters) checkIn(db, v, meetingId, code, T0);
	const ids: number[] = [];
	for (const [i, question] of ['修缮楼道灯', '清理天台杂物', '更换单元门禁'].entries()) {
		const pollId = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: null,
				question,
				type: 'yesNoAbstain',
				rules: DEFAULT_RULES,
				durationSeconds: null
			},
			T0 + i * 1000
		);
		if (i === 0)
			voters.forEach((v, n) =>
				castBallot(
					db,
					v,
					{ pollId, ballotId: `ballot-${n}-xxxxxxxx`, receipt: `rcpt${'abcd'[n]}abcde`, choices: ['yes'] },
					T0 + 10
				)
			);
		closePoll(db, f, pollId, T0 + i * 1000 + 500);
		ids.push(db.select().from(resolution).where(eq(resolution.pollId, pollId)).get()!.id);
	}
	return { db, ids };
}

describe('verifying the resolution chain', () => {
	it('says the chain of resolutions closed through the domain is intact', async () => {
		const { db } = await councilWithResolutions();
		expect(checkChain(db, 1, T0)).toEqual({ intact: true, count: 3, checkedAt: T0 });
	});

	it('finds the altered row when a resolution’s content is changed directly in the database', async () => {
		const { db } = await councilWithResolutions();
		db.run(sql`UPDATE resolution SET content = json_set(content, '$.outcome', 'passed') WHERE seq = 2`);
		expect(checkChain(db, 1)).toMatchObject({ intact: false, seq: 2, reason: 'hash', count: 3 });
	});

	it('finds the altered row when a stored hash is changed', async () => {
		const { db } = await councilWithResolutions();
		db.update(resolution)
			.set({ hash: 'f'.repeat(64) })
			.where(eq(resolution.seq, 1))
			.run();
		expect(checkChain(db, 1)).toMatchObject({ intact: false, seq: 1, reason: 'hash' });
	});

	it('catches a forger who rehashes the altered row: the next one no longer links to it', async () => {
		const { db } = await councilWithResolutions();
		const row = db.select().from(resolution).where(eq(resolution.seq, 2)).get()!;
		const content = { ...row.content, question: '拆除天台' };
		db.update(resolution)
			.set({ content, hash: chainHash(row.prevHash, 2, content) })
			.where(eq(resolution.id, row.id))
			.run();
		expect(checkChain(db, 1)).toMatchObject({ intact: false, seq: 3, reason: 'link' });
	});

	it('notices a deleted resolution in the middle of the chain', async () => {
		const { db } = await councilWithResolutions();
		db.delete(resolution).where(eq(resolution.seq, 2)).run();
		expect(checkChain(db, 1)).toMatchObject({ intact: false, seq: 3, reason: 'gap', count: 2 });
	});

	it('calls an empty chain intact and refuses an unknown community', async () => {
		const db = await demoDb();
		expect(checkChain(db, 1, T0)).toEqual({ intact: true, count: 0, checkedAt: T0 });
		expect(() => checkChain(db, 999)).toThrow('NOT_FOUND');
		expect(() => noticeBoard(db, 999)).toThrow('NOT_FOUND');
	});
});

describe('the notice board', () => {
	it('lists resolutions newest first with their follow-up, current-round ratings, signed minutes and rules', async () => {
		const { db, ids } = await councilWithResolutions();
		const [passed, second] = ids;
		// Passed resolutions got their follow-ups when they closed; these tests set them as they need them.
		db.delete(followUp).run();
		// Follow-up of the passed resolution: done in round 2; one rating left from round 1 must not count.
		const fu = db
			.insert(followUp)
			.values({
				communityId: 1,
				resolutionId: passed,
				dueOn: '2026-03-20',
				status: 'done',
				percent: 100,
				round: 2
			})
			.returning()
			.get().id;
		const raters = db.select({ id: resident.id }).from(resident).limit(4).all();
		const grades = [
			[1, 'unsatisfied'],
			[2, 'satisfied'],
			[2, 'satisfied'],
			[2, 'basic']
		] as const;
		grades.forEach(([round, grade], i) =>
			db.insert(rating).values({ followUpId: fu, round, residentId: raters[i].id, grade }).run()
		);
		// The second resolution's follow-up is past its due day and not done: shown as overdue.
		db.insert(followUp)
			.values({
				communityId: 1,
				resolutionId: second,
				dueOn: '2026-03-11',
				status: 'inProgress',
				percent: 40
			})
			.run();
		const meetingId = db.select().from(meeting).get()!.id;
		db.insert(minutes)
			.values({
				communityId: 1,
				meetingId,
				status: 'signed',
				hash: 'a'.repeat(64),
				signedAt: new Date(T0 + DAY)
			})
			.run();
		const adminId = db.select().from(user).where(eq(user.username, 'admin')).get()!.id;
		const rules = { title: '湖畔社区居民公约', items: [] };
		const versionId = db
			.insert(rulesVersion)
			.values({
				communityId: 1,
				name: '定稿',
				state: Buffer.from([0]),
				text: rules,
				createdByUserId: adminId
			})
			.returning()
			.get().id;
		db.insert(rulesPublication)
			.values({
				communityId: 1,
				seq: 1,
				versionId,
				resolutionId: passed,
				text: rules,
				effectiveFrom: '2026-04-01',
				prevHash: '0'.repeat(64),
				hash: 'b'.repeat(64),
				publishedByUserId: adminId,
				publishedAt: new Date(T0 + DAY)
			})
			.run();

		const board = noticeBoard(db, 1, T0 + 3 * DAY);
		expect(board.community.name).toBe('湖畔社区');
		expect(board.total).toBe(3);
		expect(board.resolutions.map((r) => [r.seq, r.question, r.outcome])).toEqual([
			[3, '更换单元门禁', 'noQuorum'],
			[2, '清理天台杂物', 'noQuorum'],
			[1, '修缮楼道灯', 'passed']
		]);
		expect(board.headHash).toBe(board.resolutions[0].hash);
		expect(board.resolutions[0].followUp).toBeNull();
		expect(board.resolutions[1].followUp).toMatchObject({ status: 'overdue', percent: 40, ratings: null });
		expect(board.resolutions[2].followUp).toEqual({
			status: 'done',
			percent: 100,
			dueOn: '2026-03-20',
			round: 2,
			ratings: { satisfied: 2, basic: 1, unsatisfied: 0 }
		});
		expect(board.minutes).toEqual([
			expect.objectContaining({ meetingId, title: '1栋议事会', signedAt: T0 + DAY })
		]);
		expect(board.rules).toEqual([
			expect.objectContaining({ seq: 1, title: '湖畔社区居民公约', effectiveFrom: '2026-04-01' })
		]);
	});

	it('leaves out draft minutes', async () => {
		const { db } = await councilWithResolutions();
		const meetingId = db.select().from(meeting).get()!.id;
		db.insert(minutes).values({ communityId: 1, meetingId, status: 'draft' }).run();
		expect(noticeBoard(db, 1).minutes).toEqual([]);
	});
});
