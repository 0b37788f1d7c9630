import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { auditEntry, meeting, meetingNotice } from '$lib/server/db/schema';
import { createMeeting, openMeeting } from '$lib/server/domain/meetings';
import { meetingNoticeView, noticeCalendar, rescheduleMeeting } from '$lib/server/domain/meeting-notices';
import { auditLog } from '$lib/server/domain/audit';
import { auditDetailWords } from '$lib/audit-words';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 11, 20, 11, 30);
const DAY = 86_400_000;

function callMeeting(db: Db, opts: { isPublic?: boolean; body?: 'ownersAssembly' } = {}) {
	return createMeeting(db, staff(db, 'facilitator'), {
		title: '1栋讨论电动车停放',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(T0),
		place: '1栋架空层',
		votingUnit: 'household',
		isPublic: opts.isPublic ?? true,
		body: opts.body
	});
}

const notices = (db: Db, id: number) =>
	db.select().from(meetingNotice).where(eq(meetingNotice.meetingId, id)).orderBy(meetingNotice.version).all();

describe('meeting notices', () => {
	it('issues the first notice with the meeting, in the same write', async () => {
		const db = await demoDb();
		const id = callMeeting(db);
		const [first, ...rest] = notices(db, id);
		expect(rest).toEqual([]);
		expect(first).toMatchObject({
			version: 1,
			title: '1栋讨论电动车停放',
			place: '1栋架空层',
			supersededAt: null
		});
		expect(first.startsAt.getTime()).toBe(T0);
	});

	it('moves the meeting with a new version, marks the old one superseded and audits both places', async () => {
		const db = await demoDb();
		const id = callMeeting(db);
		const f = staff(db, 'facilitator');
		const later = new Date(T0 + DAY);
		expect(rescheduleMeeting(db, f, id, { startsAt: later, place: ' 社区活动室 ' }, T0 - DAY)).toEqual({
			version: 2,
			changed: true
		});
		const [v1, v2] = notices(db, id);
		expect(v1.supersededAt?.getTime()).toBe(T0 - DAY);
		expect(v2).toMatchObject({ version: 2, place: '社区活动室', supersededAt: null });
		expect(db.select().from(meeting).where(eq(meeting.id, id)).get()).toMatchObject({
			place: '社区活动室',
			startsAt: later
		});
		const entry = db.select().from(auditEntry).where(eq(auditEntry.action, 'meeting.reschedule')).get()!;
		expect(JSON.parse(entry.detail)).toEqual({
			version: 2,
			fromStartsAt: T0,
			toStartsAt: later.getTime(),
			fromPlace: '1栋架空层',
			toPlace: '社区活动室'
		});
		const [logged] = auditLog(db, staff(db, 'admin'));
		expect(auditDetailWords(logged, 'zh').join(' · ')).toBe(
			'第 2 版通知 · 从 2026年12月20日 19:30（1栋架空层）改到 2026年12月21日 19:30（社区活动室）'
		);
		const view = meetingNoticeView(db, null, id, 1);
		expect(view.notice.version).toBe(1);
		expect(view.notice.supersededAt).not.toBeNull();
		expect(view.current).toBe(2);
	});

	it('issues nothing when a form is sent again unchanged', async () => {
		const db = await demoDb();
		const id = callMeeting(db);
		const f = staff(db, 'facilitator');
		rescheduleMeeting(db, f, id, { startsAt: new Date(T0), place: '社区活动室' });
		expect(rescheduleMeeting(db, f, id, { startsAt: new Date(T0), place: '社区活动室' })).toEqual({
			version: 2,
			changed: false
		});
		expect(notices(db, id)).toHaveLength(2);
	});

	it('refuses a resident, and a meeting already open, changing nothing', async () => {
		const db = await demoDb();
		const id = callMeeting(db);
		const move = { startsAt: new Date(T0 + DAY), place: '别处' };
		expect(() => rescheduleMeeting(db, residentActor(db, '1栋'), id, move)).toThrow('FORBIDDEN');
		openMeeting(db, staff(db, 'facilitator'), id);
		expect(() => rescheduleMeeting(db, staff(db, 'facilitator'), id, move)).toThrow('MEETING_STATE');
		expect(notices(db, id)).toHaveLength(1);
	});

	it('shows a public meeting’s notice to anyone and a private one only to those who may view it', async () => {
		const db = await demoDb();
		const open = callMeeting(db);
		const closed = callMeeting(db, { isPublic: false });
		expect(meetingNoticeView(db, null, open).notice.version).toBe(1);
		expect(() => meetingNoticeView(db, null, closed)).toThrow('NOT_FOUND');
		expect(meetingNoticeView(db, residentActor(db, '1栋'), closed).notice.version).toBe(1);
		expect(() => meetingNoticeView(db, null, open, 7)).toThrow('NOT_FOUND');
	});

	it('says how many days short the current notice is of the legal period', async () => {
		const db = await demoDb();
		const id = callMeeting(db, { body: 'ownersAssembly' });
		const { legal } = meetingNoticeView(db, null, id);
		expect(legal).toMatchObject({ days: 15, source: '物业管理条例 第十四条' });
		const issued = notices(db, id)[0].issuedAt.getTime();
		expect(legal!.shortByDays).toBe(Math.max(0, Math.ceil((issued + 15 * DAY - T0) / DAY)));
		// Moved a month on, the new notice gives the full period.
		rescheduleMeeting(
			db,
			staff(db, 'facilitator'),
			id,
			{ startsAt: new Date(issued + 30 * DAY), place: '会所' },
			issued
		);
		expect(meetingNoticeView(db, null, id).legal!.shortByDays).toBe(0);
	});
});

describe('the notice as a calendar file', () => {
	it('keeps one UID across versions, counts them in SEQUENCE, escapes text and folds long lines', async () => {
		const db = await demoDb();
		const id = callMeeting(db);
		rescheduleMeeting(db, staff(db, 'facilitator'), id, {
			startsAt: new Date(T0 + DAY),
			place: '社区活动室；二楼, 东侧'
		});
		const notice = meetingNoticeView(db, null, id).notice;
		const ics = noticeCalendar(notice, {
			host: 'yizhan.example.cn',
			url: 'https://yizhan.example.cn/meetings/1/notice',
			description: '会议通知'.repeat(40)
		});
		const lines = ics.split('\r\n');
		expect(lines[0]).toBe('BEGIN:VCALENDAR');
		expect(lines).toContain(`UID:meeting-${id}@yizhan.example.cn`);
		expect(lines).toContain('SEQUENCE:1');
		expect(lines).toContain(`DTSTART:${new Date(T0 + DAY).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`);
		expect(lines).toContain('LOCATION:社区活动室；二楼\\, 东侧');
		for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
		// Unfolded, the description is whole again, no character cut in two.
		const unfolded = ics.replace(/\r\n /g, '');
		expect(unfolded).toContain(`DESCRIPTION:${'会议通知'.repeat(40)}\r\n`);
	});
});
