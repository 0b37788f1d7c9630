/**
 * 签到 and 举手: residents check in from their phones, facilitators mark those without one, and hands
 * raised to speak form a queue in order. Every change is idempotent, so a retried request after a
 * reconnect changes nothing twice.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { can, type Actor } from '../authz';
import { attendance, meeting, speakerRequest } from '../db/schema';
import { DomainError } from './errors';
import { awardParticipation } from './points';
import { eligibleParticipants } from './eligibility';
import { matchesCheckInCode, parseRotatingLinkCode } from './check-in-code';
import {
	canViewMeeting,
	findMeetingByCode,
	getMeeting,
	meetingFor,
	meetingScope,
	type Meeting
} from './meetings';

function requireEligible(db: Db, m: Meeting, residentId: number) {
	const p = eligibleParticipants(db, m, m.startsAt).find((e) => e.residentId === residentId);
	if (!p) throw new DomainError('NOT_ELIGIBLE');
	return p;
}

function requireOpen(m: Meeting) {
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
}

// 积分: being present pays once per meeting (the ledger's unique key), in the same transaction.
function upsertAttendance(...args: Parameters<typeof writeAttendance>) {
	const [db, m, residentId, , present] = args;
	const now = args[7];
	db.transaction((tx) => {
		writeAttendance(...args);
		if (present)
			awardParticipation(tx, { residentId, code: 'attend', sourceType: 'meeting', sourceId: m.id }, now);
	});
}

function writeAttendance(
	db: Db,
	m: Meeting,
	residentId: number,
	householdId: number,
	present: boolean,
	channel: 'phone' | 'marked',
	by: number | null,
	now: number
) {
	db.insert(attendance)
		.values({
			meetingId: m.id,
			residentId,
			householdId,
			present,
			channel,
			markedByUserId: by,
			updatedAt: new Date(now)
		})
		.onConflictDoUpdate({
			target: [attendance.meetingId, attendance.residentId],
			set: { present, channel, markedByUserId: by, updatedAt: new Date(now) }
		})
		.run();
}

/**
 * A resident checks in from their own phone. The code on the projector must match (the rotating one
 * where the meeting has it, else the join code): it shows the phone is in the room, so nobody can make
 * up a quorum from home.
 */
export function checkIn(db: Db, actor: Actor | null, meetingId: number, code: string, now = Date.now()) {
	const m = meetingFor(db, actor, meetingId, 'meeting.attend');
	if (!matchesCheckInCode(m, code, now)) throw new DomainError('WRONG_CODE');
	requireOpen(m);
	const residentId = residentIdOf(actor!);
	if (!residentId) throw new DomainError('NOT_ELIGIBLE');
	const p = requireEligible(db, m, residentId);
	upsertAttendance(db, m, residentId, p.householdId, true, 'phone', null, now);
}

/** The facilitator marks someone present (no phone) or absent again. */
export function markAttendance(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	residentId: number,
	present: boolean,
	now = Date.now()
) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	requireOpen(m);
	const p = requireEligible(db, m, residentId);
	upsertAttendance(db, m, residentId, p.householdId, present, 'marked', actor!.userId, now);
}

/**
 * Scanning a QR code: the projector's rotating link (`<meeting id>-<code>`) or the fixed join code.
 * Checks a participating resident in when the scanned code is what the meeting takes (a fixed link of a
 * meeting with a rotating code only opens the meeting); anyone else who may follow the meeting (staff,
 * a resident under voting age) just goes on to it. Returns the meeting's id.
 */
export function checkInByCode(db: Db, actor: Actor | null, scanned: string, now = Date.now()): number {
	const rotating = parseRotatingLinkCode(scanned);
	const m = rotating ? getMeeting(db, rotating.meetingId) : findMeetingByCode(db, scanned);
	if (rotating && !m.rotatingCheckIn) throw new DomainError('NOT_FOUND', { code: scanned });
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const scope = meetingScope(db, m);
	const attends = m.status !== 'closed' && actor.residentId && can(actor, 'meeting.attend', scope);
	if (attends && (rotating || !m.rotatingCheckIn)) {
		try {
			checkIn(db, actor, m.id, rotating ? rotating.code : m.joinCode, now);
			return m.id;
		} catch (e) {
			if (!(e instanceof DomainError && e.code === 'NOT_ELIGIBLE')) throw e;
		}
	}
	if (!canViewMeeting(db, actor, m)) throw new DomainError('NOT_ELIGIBLE');
	return m.id;
}

/** The eligible list with who is present, for the facilitator's one-tap marking. */
export function attendanceRoster(db: Db, actor: Actor | null, meetingId: number) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	const rows = db.select().from(attendance).where(eq(attendance.meetingId, m.id)).all();
	const byResident = new Map(rows.map((r) => [r.residentId, r]));
	return eligibleParticipants(db, m, m.startsAt).map((p) => {
		const a = byResident.get(p.residentId);
		return { ...p, present: a?.present ?? false, channel: a?.present ? a.channel : null };
	});
}

function residentIdOf(actor: Actor): number | null {
	return actor.residentId ?? null;
}

/** The resident's hand that is up or speaking in this meeting, if any. */
function openRequest(db: Db | Tx, meetingId: number, residentId: number) {
	return db
		.select({ id: speakerRequest.id })
		.from(speakerRequest)
		.where(
			and(
				eq(speakerRequest.meetingId, meetingId),
				eq(speakerRequest.residentId, residentId),
				inArray(speakerRequest.status, ['waiting', 'speaking'])
			)
		)
		.get();
}

/** A resident's own part in a meeting: checked in, and a hand up (waiting or speaking). */
export function participantStatus(db: Db, meetingId: number, residentId: number) {
	const a = db
		.select({ present: attendance.present })
		.from(attendance)
		.where(and(eq(attendance.meetingId, meetingId), eq(attendance.residentId, residentId)))
		.get();
	return { present: a?.present ?? false, handRaised: openRequest(db, meetingId, residentId) !== undefined };
}

/** Raising a hand twice keeps the first place in the queue. */
export function raiseHand(db: Db, actor: Actor | null, meetingId: number, now = Date.now()): number {
	const m = meetingFor(db, actor, meetingId, 'meeting.attend');
	if (m.status !== 'live') throw new DomainError('MEETING_STATE', { status: m.status });
	const residentId = residentIdOf(actor!);
	if (!residentId) throw new DomainError('NOT_ELIGIBLE');
	requireEligible(db, m, residentId);
	return db.transaction((tx) => {
		const open = openRequest(tx, m.id, residentId);
		if (open) return open.id;
		return tx
			.insert(speakerRequest)
			.values({
				meetingId: m.id,
				residentId,
				status: 'waiting',
				raisedAt: new Date(now),
				updatedAt: new Date(now)
			})
			.returning({ id: speakerRequest.id })
			.get().id;
	});
}

export function lowerHand(db: Db, actor: Actor | null, meetingId: number, now = Date.now()) {
	const m = meetingFor(db, actor, meetingId, 'meeting.attend');
	const residentId = residentIdOf(actor!);
	if (!residentId) throw new DomainError('NOT_ELIGIBLE');
	db.update(speakerRequest)
		.set({ status: 'withdrawn', updatedAt: new Date(now) })
		.where(
			and(
				eq(speakerRequest.meetingId, m.id),
				eq(speakerRequest.residentId, residentId),
				eq(speakerRequest.status, 'waiting')
			)
		)
		.run();
}

/**
 * Gives the floor to a waiting speaker; whoever was speaking is done. `null` just ends the current
 * turn. Each turn keeps when it started and ended (server time) and the speaking limit it had.
 */
export function giveFloor(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	requestId: number | null,
	now = Date.now()
) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	if (m.status !== 'live') throw new DomainError('MEETING_STATE', { status: m.status });
	db.transaction((tx) => {
		if (requestId !== null) {
			const r = tx
				.select()
				.from(speakerRequest)
				.where(and(eq(speakerRequest.id, requestId), eq(speakerRequest.meetingId, m.id)))
				.get();
			if (!r || r.status !== 'waiting') throw new DomainError('NOT_FOUND', { requestId });
		}
		endTurn(tx, m.id, now);
		if (requestId !== null)
			tx.update(speakerRequest)
				.set({
					status: 'speaking',
					startedAt: new Date(now),
					limitSeconds: m.speechLimitSeconds,
					updatedAt: new Date(now)
				})
				.where(eq(speakerRequest.id, requestId))
				.run();
	});
}

/** Whoever has the floor is done now (also when the meeting closes). */
export function endTurn(tx: Db | Tx, meetingId: number, now: number) {
	tx.update(speakerRequest)
		.set({ status: 'done', endedAt: new Date(now), updatedAt: new Date(now) })
		.where(and(eq(speakerRequest.meetingId, meetingId), eq(speakerRequest.status, 'speaking')))
		.run();
}

/** 发言限时: at least this long, at most an hour (a longer turn is no limit at all). */
export const SPEECH_LIMIT = { min: 10, max: 3600 } as const;

/**
 * 发言限时 (as OpenSlides): the facilitator sets how long each speaker has, or null for no limit. It
 * applies to the next turns and to the speaker who has the floor now (a minute more, say); screens
 * count down from the turn's start on the server's clock.
 */
export function setSpeechLimit(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	seconds: number | null,
	now = Date.now()
) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	requireOpen(m);
	if (
		seconds !== null &&
		!(Number.isInteger(seconds) && seconds >= SPEECH_LIMIT.min && seconds <= SPEECH_LIMIT.max)
	)
		throw new DomainError('INVALID_INPUT', { field: 'seconds' });
	db.transaction((tx) => {
		tx.update(meeting).set({ speechLimitSeconds: seconds }).where(eq(meeting.id, m.id)).run();
		tx.update(speakerRequest)
			.set({ limitSeconds: seconds, updatedAt: new Date(now) })
			.where(and(eq(speakerRequest.meetingId, m.id), eq(speakerRequest.status, 'speaking')))
			.run();
	});
}
