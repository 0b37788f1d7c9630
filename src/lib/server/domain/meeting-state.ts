/**
 * The meeting state projection: everything a live screen needs in one value (broadcasts, joins,
 * pages and minutes read it). Kept apart from meetings.ts because it reads polls, and polls.ts
 * needs meetings.ts; this module depends on both and neither depends on it.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { attendance, resident, speakerRequest } from '../db/schema';
import { countUnits, eligibleParticipants, quorumReached } from './eligibility';
import { getMeeting } from './meetings';
import { meetingPolls } from './polls';

export type MeetingState = ReturnType<typeof meetingState>;

/**
 * Everything a screen needs, in one value: sent first to every screen that joins or reconnects.
 * Public data only (names of speakers are shown in the courtyard anyway); who is present is in
 * `attendanceRoster`, for facilitators.
 */
export function meetingState(db: Db, meetingId: number, now = Date.now()) {
	const m = getMeeting(db, meetingId);
	const eligible = eligibleParticipants(db, m, m.startsAt);
	const eligibleIds = new Set(eligible.map((p) => p.residentId));
	const present = db
		.select({ residentId: attendance.residentId, householdId: attendance.householdId })
		.from(attendance)
		.where(and(eq(attendance.meetingId, m.id), eq(attendance.present, true)))
		.all()
		.filter((p) => eligibleIds.has(p.residentId));
	const presentUnits = countUnits(present, m.votingUnit);
	const eligibleUnits = countUnits(eligible, m.votingUnit);
	const speakers = db
		.select({
			id: speakerRequest.id,
			residentId: speakerRequest.residentId,
			name: resident.name,
			status: speakerRequest.status,
			raisedAt: speakerRequest.raisedAt,
			startedAt: speakerRequest.startedAt,
			limitSeconds: speakerRequest.limitSeconds
		})
		.from(speakerRequest)
		.innerJoin(resident, eq(speakerRequest.residentId, resident.id))
		.where(and(eq(speakerRequest.meetingId, m.id), inArray(speakerRequest.status, ['waiting', 'speaking'])))
		.orderBy(speakerRequest.id)
		.all()
		// The where clause leaves only open requests; the narrower type is what the protocol promises.
		.map((s) => ({
			...s,
			status: s.status as 'waiting' | 'speaking',
			raisedAt: s.raisedAt.getTime(),
			startedAt: s.startedAt?.getTime() ?? null
		}));
	return {
		meeting: {
			id: m.id,
			title: m.title,
			status: m.status,
			place: m.place,
			startsAt: m.startsAt.getTime(),
			votingUnit: m.votingUnit,
			scopeType: m.scopeType,
			scopeId: m.scopeId,
			isPublic: m.isPublic,
			currentItemId: m.currentItemId,
			speechLimitSeconds: m.speechLimitSeconds
		},
		attendance: {
			present: presentUnits,
			eligible: eligibleUnits,
			quorum: quorumReached(presentUnits, eligibleUnits)
		},
		speakers,
		polls: meetingPolls(db, m.id),
		timer: {
			itemId: m.timerItemId,
			running: m.timerStartedAt !== null,
			elapsedMs: m.timerElapsedMs + (m.timerStartedAt ? now - m.timerStartedAt.getTime() : 0),
			serverNow: now
		}
	};
}
