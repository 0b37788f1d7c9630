/**
 * Meeting notices (会议通知): the title, time and place a meeting is called with, for the building door,
 * the notice board, the building's WeChat group and residents' calendars. Scheduling issues the first
 * notice; moving the time or place issues the next version and marks the one before as superseded, in
 * the same transaction, so every notice ever printed can be checked against the current one.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import type { Actor } from '../authz';
import { meeting, meetingNotice } from '../db/schema';
import { recordAudit } from './audit';
import { NOTICE, noticeShortfall } from './bodies';
import { DomainError } from './errors';
import { canViewMeeting, getMeeting, meetingFor } from './meetings';
import { issueNotice } from './meeting-notice-versions';

export { issueNotice };

export type MeetingNotice = typeof meetingNotice.$inferSelect;

export type Reschedule = { startsAt: Date; place: string };

/**
 * Moves a meeting that has not opened to another time or place, with a new notice and an audit entry
 * naming both. Changing nothing issues nothing (a form sent twice makes one notice).
 */
export function rescheduleMeeting(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	to: Reschedule,
	now = Date.now()
): { version: number; changed: boolean } {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	if (m.status !== 'draft') throw new DomainError('MEETING_STATE', { status: m.status });
	const place = to.place.trim();
	if (m.startsAt.getTime() === to.startsAt.getTime() && m.place === place)
		return { version: currentNotice(db, m.id).version, changed: false };
	return db.transaction((tx) => {
		tx.update(meeting).set({ startsAt: to.startsAt, place }).where(eq(meeting.id, m.id)).run();
		const version = issueNotice(tx, { ...m, startsAt: to.startsAt, place }, actor!.userId, now);
		recordAudit(
			tx,
			{
				communityId: m.communityId,
				actorUserId: actor!.userId,
				action: 'meeting.reschedule',
				subjectType: 'meeting',
				subjectId: m.id,
				detail: {
					version,
					fromStartsAt: m.startsAt.getTime(),
					toStartsAt: to.startsAt.getTime(),
					fromPlace: m.place,
					toPlace: place
				}
			},
			now
		);
		return { version, changed: true };
	});
}

function currentNotice(db: Db, meetingId: number): MeetingNotice {
	const n = db
		.select()
		.from(meetingNotice)
		.where(and(eq(meetingNotice.meetingId, meetingId), isNull(meetingNotice.supersededAt)))
		.get();
	if (!n) throw new DomainError('NOT_FOUND');
	return n;
}

/**
 * A meeting's notice as residents see it: the requested version (the current one by default), which
 * version is current, and the legal notice period where one applies. A public meeting's notice is public, as it is on
 * the door; a private one needs the right to view the meeting.
 */
export function meetingNoticeView(db: Db, actor: Actor | null, meetingId: number, version?: number) {
	const m = getMeeting(db, meetingId);
	if (!m.isPublic && !canViewMeeting(db, actor, m)) throw new DomainError('NOT_FOUND');
	const versions = db
		.select()
		.from(meetingNotice)
		.where(eq(meetingNotice.meetingId, m.id))
		.orderBy(asc(meetingNotice.version))
		.all();
	const current = versions.find((n) => n.supersededAt === null);
	const shown = version === undefined ? current : versions.find((n) => n.version === version);
	if (!shown || !current) throw new DomainError('NOT_FOUND');
	const rule = NOTICE[m.body];
	return {
		meeting: m,
		notice: shown,
		current: current.version,
		// Counted from the current notice: a meeting moved late needs its notice period again.
		legal: rule
			? {
					...rule,
					shortByDays: noticeShortfall(m.body, current.issuedAt, current.startsAt)?.shortByDays ?? 0
				}
			: null
	};
}

/** One line of an iCalendar file, folded at 75 octets and with its text escaped (RFC 5545 §3.1, §3.3.11). */
function icsLine(name: string, value: string, escape = true): string {
	const text = escape ? value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n') : value;
	const bytes = Buffer.from(`${name}:${text}`, 'utf8');
	const parts: string[] = [];
	let start = 0;
	while (start < bytes.length) {
		let end = Math.min(start + (parts.length ? 74 : 75), bytes.length);
		// Never cut a UTF-8 character in two: step back to the start of one.
		while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
		parts.push(bytes.subarray(start, end).toString('utf8'));
		start = end;
	}
	return parts.join('\r\n ');
}

const icsTime = (d: Date) =>
	d
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');

/**
 * The notice as a calendar event. Its UID stays the same across versions and SEQUENCE counts them, so a
 * calendar that imported the first notice moves the event when the next one is opened.
 */
export function noticeCalendar(
	n: MeetingNotice,
	opts: { host: string; url: string; description: string; durationMinutes?: number; now?: number }
): string {
	const end = new Date(n.startsAt.getTime() + (opts.durationMinutes ?? 90) * 60_000);
	return [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Yizhan//Meeting notice//ZH',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		'BEGIN:VEVENT',
		icsLine('UID', `meeting-${n.meetingId}@${opts.host}`),
		icsLine('SEQUENCE', String(n.version - 1), false),
		icsLine('DTSTAMP', icsTime(new Date(opts.now ?? n.issuedAt.getTime())), false),
		icsLine('DTSTART', icsTime(n.startsAt), false),
		icsLine('DTEND', icsTime(end), false),
		icsLine('SUMMARY', n.title),
		icsLine('LOCATION', n.place),
		icsLine('DESCRIPTION', opts.description),
		icsLine('URL', opts.url, false),
		'END:VEVENT',
		'END:VCALENDAR',
		''
	].join('\r\n');
}
