import { describe, expect, it } from 'vitest';
import { auditEntry } from '$lib/server/db/schema';
import { markAttendance, checkIn } from '$lib/server/domain/attendance';
import { assistBallot, castBallot, setHandCounts } from '$lib/server/domain/ballots';
import { getMeeting } from '$lib/server/domain/meetings';
import { openPoll } from '$lib/server/domain/polls';
import { closeDuePolls, closePoll } from '$lib/server/domain/resolutions';
import { assignRole, removeRoleAssignment } from '$lib/server/domain/access';
import { auditLog } from '$lib/server/domain/audit';
import { auditDetailWords } from '$lib/audit-words';
import { eq } from 'drizzle-orm';
import { building, household, resident } from '$lib/server/db/schema';
import { designateProxy } from '$lib/server/domain/ballots';
import { DEFAULT_RULES, type PollRules } from '$lib/server/domain/tally';

import { ballotIds } from '../helpers/ballot-ids';
import { demoDb, openDemoMeeting, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const ids = ballotIds('audit');

async function liveMeeting() {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const residents = [0, 1, 2, 3].map((i) => residentActor(db, '1栋', i));
	const open = (rules: Partial<PollRules> = {}, durationSeconds: number | null = null) =>
		openPoll(
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
	return { db, f, meetingId, residents, open };
}

const entries = (db: Awaited<ReturnType<typeof demoDb>>) => db.select().from(auditEntry).all();

describe('the audit log', () => {
	it('records opening, assisted and hand entries, and closing, with who did it', async () => {
		const { db, f, meetingId, residents, open } = await liveMeeting();
		for (const r of residents) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		const pollId = open();
		const officer = staff(db, 'officer');
		assistBallot(
			db,
			officer,
			{ pollId, residentId: residents[0].residentId!, choices: ['yes'], consentNote: '本人同意', ...ids() },
			T0
		);
		setHandCounts(db, f, pollId, { yes: 1, no: 1 }, T0);
		// A resident's own ballot is not an act of authority: it is not logged.
		castBallot(db, residents[3], { pollId, ...ids(), choices: ['no'] }, T0);
		closePoll(db, f, pollId, T0 + 1000);
		const log = entries(db);
		expect(log.map((e) => [e.action, e.actorUserId])).toEqual([
			['poll.open', f.userId],
			['ballot.assist', officer.userId],
			['handCount.record', f.userId],
			['poll.close', f.userId]
		]);
		expect(JSON.parse(log[2].detail)).toEqual({ counts: { yes: 1, no: 1 } });
		expect(log.every((e) => e.subjectId === pollId)).toBe(true);
	});

	it('never writes a secret choice, and logs a timer close as the server', async () => {
		const { db, f, meetingId, residents, open } = await liveMeeting();
		markAttendance(db, f, meetingId, residents[0].residentId!, true, T0);
		const pollId = open({ secret: true, liveTally: false }, 60);
		assistBallot(
			db,
			staff(db, 'officer'),
			{ pollId, residentId: residents[0].residentId!, choices: ['no'], consentNote: '本人同意', ...ids() },
			T0
		);
		closeDuePolls(db, T0 + 61_000);
		const log = entries(db);
		expect(log.map((e) => e.action)).toEqual(['poll.open', 'ballot.assist', 'poll.close']);
		expect(log[1].detail).not.toMatch(/"no"|choices|receipt/);
		expect(log[2].actorUserId).toBeNull();
		expect(JSON.parse(log[2].detail)).toMatchObject({ byTimer: true });
	});

	it('writes nothing when the act is refused', async () => {
		const { db, residents, open } = await liveMeeting();
		const pollId = open();
		expect(() => setHandCounts(db, staff(db, 'officer'), pollId, { yes: 1 }, T0)).toThrow('FORBIDDEN');
		expect(() => setHandCounts(db, staff(db, 'facilitator'), pollId, { yes: 99 }, T0)).toThrow(
			'HAND_COUNT_BOUND'
		);
		expect(() => castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0)).toThrow();
		expect(entries(db).map((e) => e.action)).toEqual(['poll.open']);
	});

	it('records role changes and shows the log to admins only, newest first', async () => {
		const { db, residents } = await liveMeeting();
		const admin = staff(db, 'admin');
		const officer = staff(db, 'officer');
		const id = assignRole(db, admin, {
			userId: officer.userId,
			role: 'buildingHead',
			scopeType: 'building',
			scopeId: 1
		});
		removeRoleAssignment(db, admin, { roleAssignmentId: id });
		const log = auditLog(db, admin);
		expect(log.map((e) => e.action)).toEqual(['role.revoke', 'role.grant']);
		expect(log[1]).toMatchObject({ actorName: admin.displayName, subjectId: officer.userId });
		expect(log[1].detail).toMatchObject({ role: 'buildingHead', roleAssignmentId: id });
		expect(() => auditLog(db, staff(db, 'facilitator'))).toThrow('FORBIDDEN');
		expect(() => auditLog(db, residents[0])).toThrow('FORBIDDEN');
		expect(() => auditLog(db, null)).toThrow('UNAUTHENTICATED');
	});

	it('cannot be rewritten or erased, even by a direct SQL statement', async () => {
		const { db, open } = await liveMeeting();
		open();
		expect(() => db.$client.prepare('UPDATE audit_entry SET actor_user_id = NULL').run()).toThrow(
			'AUDIT_APPEND_ONLY'
		);
		expect(() => db.$client.prepare('DELETE FROM audit_entry').run()).toThrow('AUDIT_APPEND_ONLY');
		expect(entries(db)).toHaveLength(1);
	});

	it('checks in by phone without an entry (attendance is counted, not an act of authority)', async () => {
		const { db, meetingId, residents } = await liveMeeting();
		checkIn(db, residents[0], meetingId, getMeeting(db, meetingId).joinCode, T0);
		expect(entries(db)).toHaveLength(0);
	});

	it('puts each entry’s details in words with names, in Chinese and in English', async () => {
		const { db, f, meetingId, residents, open } = await liveMeeting();
		/** A resident as the log names them: name and unit (Chinese or English brackets). */
		const nameOf = (r: (typeof residents)[number], locale: 'zh' | 'en' = 'zh') => {
			const row = db
				.select({ name: resident.name, unit: household.unit, building: building.name })
				.from(resident)
				.innerJoin(household, eq(resident.householdId, household.id))
				.innerJoin(building, eq(household.buildingId, building.id))
				.where(eq(resident.id, r.residentId!))
				.get()!;
			const unit = `${row.building} ${row.unit}`;
			return locale === 'zh' ? `${row.name}（${unit}）` : `${row.name} (${unit})`;
		};
		designateProxy(db, residents[1], meetingId, residents[2].residentId!, T0);
		for (const r of residents) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		const pollId = open({ allowChange: true });
		const officer = staff(db, 'officer');
		const ballot = { pollId, residentId: residents[0].residentId!, consentNote: '本人同意' };
		assistBallot(db, officer, { ...ballot, choices: ['yes'], ...ids() }, T0);
		assistBallot(db, officer, { ...ballot, choices: ['no'], ...ids() }, T0 + 1);
		setHandCounts(db, f, pollId, { yes: 1, no: 1 }, T0);
		closePoll(db, f, pollId, T0 + 1000);
		const log = auditLog(db, staff(db, 'admin')).reverse();
		const words = (locale: 'zh' | 'en') =>
			log.map((e) => [e.action, auditDetailWords(e, locale).join(' · ')]);
		const title = getMeeting(db, meetingId).title;
		const [grantor, holder, voter] = [nameOf(residents[1]), nameOf(residents[2]), nameOf(residents[0])];
		const zh = words('zh');
		expect(zh[0]).toEqual(['proxy.designate', `委托人：${grantor} · 受托人：${holder}`]);
		expect(zh[1]).toEqual(['poll.open', `议事会：${title} · 议题：是否同意加装电梯？`]);
		expect(zh[2][1]).toBe(`投票人：${voter} · 方式：代投`);
		expect(zh[3][1]).toBe(`投票人：${voter} · 方式：代投 · 替换了${officer.displayName}录入的选票（代投）`);
		expect(zh[4]).toEqual(['handCount.record', '举手票数：同意 1、反对 1']);
		expect(zh[5][1]).toMatch(/^决议第 \d+ 号 · 结果：/);
		const en = words('en');
		expect(en[0][1]).toBe(`Grantor: ${nameOf(residents[1], 'en')} · Proxy: ${nameOf(residents[2], 'en')}`);
		expect(en[4][1]).toBe('Hand counts: For 1, Against 1');
		// No raw keys or ids anywhere.
		for (const [, text] of [...zh, ...en]) expect(text).not.toMatch(/[a-z]+Id\b|ResidentId|UserId|[{}]/);
	});
});
