/**
 * The live meeting (src/lib/realtime/meeting.ts) over Socket.IO: one handler factory per request, each
 * validating its payload, calling the domain and answering at once; every successful change schedules
 * one coalesced `meeting:state` broadcast to the meeting's room.
 */
import { eq } from 'drizzle-orm';
import * as v from 'valibot';
import type { Ack } from '$lib/realtime/protocol';
import type { CheckInCodeView, JoinPayload, Me, MeetingState } from '$lib/realtime/meeting';
import type { Db } from '../db';
import { user } from '../db/schema';
import { can, loadActor, type Actor } from '../authz';
import {
	checkIn,
	giveFloor,
	lowerHand,
	markAttendance,
	participantStatus,
	raiseHand,
	setSpeechLimit
} from '../domain/attendance';
import { showCheckInCode } from '../domain/check-in-code';
import { DomainError, isDomainError } from '../domain/errors';
import { limitWrongCheckInCodes } from '../rate-limit';
import { voterStatus } from '../domain/ballots';
import {
	canViewMeeting,
	closeMeeting,
	getMeeting,
	meetingScope,
	openMeeting,
	pauseTimer,
	setCurrentItem,
	startTimer,
	type Meeting
} from '../domain/meetings';
import { meetingState } from '../domain/meeting-state';
import { answer, parsePayload } from './envelope';
import { joinBatch } from './join-batch';
import { meetingRoom, projectorRoom, userRoom } from './rooms';
import type { HandlerDeps, Io } from './types';

const Id = v.pipe(v.number(), v.integer(), v.minValue(1));
const JoinSchema = v.strictObject({ meetingId: Id, as: v.picklist(['phone', 'console', 'projector']) });
const MeetingIdSchema = v.strictObject({ meetingId: Id });
const SetItemSchema = v.strictObject({
	meetingId: Id,
	itemId: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(64)))
});
const MarkSchema = v.strictObject({ meetingId: Id, residentId: Id, present: v.boolean() });
const FloorSchema = v.strictObject({ meetingId: Id, requestId: v.nullable(Id) });
const SpeechLimitSchema = v.strictObject({
	meetingId: Id,
	seconds: v.nullable(v.pipe(v.number(), v.integer()))
});
const ProjectorAuthSchema = v.strictObject({
	projectorMeetingId: Id,
	code: v.pipe(v.string(), v.maxLength(16))
});
const CheckInSchema = v.strictObject({ meetingId: Id, code: v.pipe(v.string(), v.maxLength(16)) });
const ShowCodeSchema = v.strictObject({
	meetingId: Id,
	code: v.optional(v.pipe(v.string(), v.maxLength(16)))
});

/** At most one state per meeting per window; changes inside it fold into the one computed when it fires. */
export const BROADCAST_WINDOW_MS = 50;

type Broadcaster = { schedule(meetingId: number): void; close(): void };
let broadcaster: Broadcaster | undefined;

export function startMeetingBroadcasts(io: Io, db: Db, windowMs = BROADCAST_WINDOW_MS): Broadcaster {
	const pending = new Map<number, ReturnType<typeof setTimeout>>();
	const fire = (meetingId: number) => {
		pending.delete(meetingId);
		try {
			// The projector first: the courtyard watches it while phones wait for their receipts anyway.
			const state = meetingState(db, meetingId);
			io.to(projectorRoom(meetingId)).emit('meeting:state', state);
			io.to(meetingRoom(meetingId)).except(projectorRoom(meetingId)).emit('meeting:state', state);
		} catch (e) {
			if (!isDomainError(e)) console.error('meeting broadcast failed', e);
		}
	};
	const b: Broadcaster = {
		schedule(meetingId) {
			if (!pending.has(meetingId))
				pending.set(
					meetingId,
					setTimeout(() => fire(meetingId), windowMs)
				);
		},
		close() {
			for (const t of pending.values()) clearTimeout(t);
			pending.clear();
			if (broadcaster === b) broadcaster = undefined;
		}
	};
	broadcaster = b;
	return b;
}

/**
 * Schedules a coalesced `meeting:state` broadcast to everyone who joined the meeting. For form actions
 * and handlers after a successful change; does nothing where no realtime server is attached (build).
 */
export function broadcastMeetingState(meetingId: number) {
	broadcaster?.schedule(meetingId);
}

/**
 * Accepts a socket without a session only as the projector of a public meeting (the screen in the
 * courtyard is often a borrowed laptop nobody logs in on). Returns the meeting id or null.
 */
export function projectorHandshake(db: Db, auth: unknown): number | null {
	const parsed = v.safeParse(ProjectorAuthSchema, auth);
	if (!parsed.success) return null;
	try {
		const m = getMeeting(db, parsed.output.projectorMeetingId);
		return canViewMeeting(db, null, m, { projector: true, code: parsed.output.code }) ? m.id : null;
	} catch (e) {
		if (isDomainError(e)) return null;
		throw e;
	}
}

/** "Has a hand up" counts a turn being spoken too: raising again then keeps that place (raiseHand). */
export function meFor(db: Db, actor: Actor | null, m: Meeting): Me {
	const residentId = actor?.residentId ?? null;
	const canManage = can(actor, 'meeting.manage', meetingScope(db, m));
	if (residentId === null)
		return { residentId, present: false, handRaised: false, canManage, votedPolls: [], proxyFor: [] };
	return {
		residentId,
		...participantStatus(db, m.id, residentId),
		canManage,
		...voterStatus(db, m.id, residentId)
	};
}

export function joinMeeting({ socket, db }: HandlerDeps) {
	return (payload: unknown, ack: (res: Ack<{ state: MeetingState; me: Me }>) => void) =>
		answer(ack, async () => {
			const p: JoinPayload = parsePayload(JoinSchema, payload);
			const { actor, projectorMeetingId } = socket.data;
			if (actor === null && (p.as !== 'projector' || p.meetingId !== projectorMeetingId))
				throw new DomainError('FORBIDDEN');
			const m = getMeeting(db, p.meetingId);
			// An anonymous projector proved the join code at the handshake; everyone else by their roles.
			if (actor !== null && !canViewMeeting(db, actor, m)) throw new DomainError('FORBIDDEN');
			await socket.join(p.as === 'projector' ? [meetingRoom(m.id), projectorRoom(m.id)] : meetingRoom(m.id));
			// Joined first, so any change after this state reaches this screen as a broadcast.
			return joinBatch(db)((memo) => ({
				state: memo(`state:${m.id}`, () => meetingState(db, m.id)),
				me: meFor(db, actor, m)
			}));
		});
}

export function leaveMeeting({ socket }: HandlerDeps) {
	return (payload: unknown, ack: (res: Ack<null>) => void) =>
		answer(ack, async () => {
			const { meetingId } = parsePayload(MeetingIdSchema, payload);
			await socket.leave(meetingRoom(meetingId));
			await socket.leave(projectorRoom(meetingId));
			return null;
		});
}

/** A change to a meeting: validate, let the domain decide, answer at once, broadcast coalesced. */
function change<S extends v.GenericSchema<unknown, { meetingId: number }>, R>(
	schema: S,
	run: (p: v.InferOutput<S>) => R
) {
	return (payload: unknown, ack: (res: Ack<R>) => void) =>
		answer(ack, () => {
			const p = parsePayload(schema, payload);
			const result = run(p);
			broadcastMeetingState(p.meetingId);
			return result;
		});
}

export function openMeetingHandler({ socket, db }: HandlerDeps) {
	return change(MeetingIdSchema, ({ meetingId }) => {
		openMeeting(db, socket.data.actor, meetingId);
		return null;
	});
}

export function closeMeetingHandler({ socket, db, docs }: HandlerDeps) {
	return change(MeetingIdSchema, ({ meetingId }) => {
		closeMeeting(db, docs, socket.data.actor, meetingId);
		return null;
	});
}

export function setCurrentItemHandler({ socket, db }: HandlerDeps) {
	return change(SetItemSchema, ({ meetingId, itemId }) => {
		setCurrentItem(db, socket.data.actor, meetingId, itemId);
		return null;
	});
}

export function startTimerHandler({ socket, db }: HandlerDeps) {
	return change(MeetingIdSchema, ({ meetingId }) => {
		startTimer(db, socket.data.actor, meetingId);
		return null;
	});
}

export function pauseTimerHandler({ socket, db }: HandlerDeps) {
	return change(MeetingIdSchema, ({ meetingId }) => {
		pauseTimer(db, socket.data.actor, meetingId);
		return null;
	});
}

/** Wrong codes count against the account's limit (rate-limit.ts), so a six-digit code cannot be guessed. */
export function checkInHandler({ socket, db }: HandlerDeps) {
	return (payload: unknown, ack: (res: Ack<{ me: Me }>) => void) =>
		answer(ack, async () => {
			const { meetingId, code } = parsePayload(CheckInSchema, payload);
			const { actor } = socket.data;
			const run = () => checkIn(db, actor, meetingId, code);
			await limitWrongCheckInCodes(actor, run);
			broadcastMeetingState(meetingId);
			return { me: meFor(db, actor, getMeeting(db, meetingId)) };
		});
}

/** The check-in code for the projector and the console; they ask again when `changesAt` comes. */
export function showCodeHandler({ socket, db }: HandlerDeps) {
	return (payload: unknown, ack: (res: Ack<CheckInCodeView>) => void) =>
		answer(ack, () => {
			const { meetingId, code } = parsePayload(ShowCodeSchema, payload);
			return showCheckInCode(db, socket.data.actor, meetingId, { code });
		});
}

/** Tells a resident's own screens that their attendance changed (the broadcast state has only counts). */
function notifyResident(io: HandlerDeps['io'], db: Db, meetingId: number, residentId: number) {
	const account = db.select().from(user).where(eq(user.residentId, residentId)).get();
	if (!account) return; // no phone: nobody to tell
	const me = meFor(db, loadActor(db, account), getMeeting(db, meetingId));
	io.to(userRoom(account.id)).emit('meeting:me', { meetingId, me });
}

export function markAttendanceHandler({ io, socket, db }: HandlerDeps) {
	return change(MarkSchema, ({ meetingId, residentId, present }) => {
		markAttendance(db, socket.data.actor, meetingId, residentId, present);
		notifyResident(io, db, meetingId, residentId);
		return null;
	});
}

export function raiseHandHandler({ socket, db }: HandlerDeps) {
	return change(MeetingIdSchema, ({ meetingId }) => {
		raiseHand(db, socket.data.actor, meetingId);
		return { me: meFor(db, socket.data.actor, getMeeting(db, meetingId)) };
	});
}

export function lowerHandHandler({ socket, db }: HandlerDeps) {
	return change(MeetingIdSchema, ({ meetingId }) => {
		lowerHand(db, socket.data.actor, meetingId);
		return { me: meFor(db, socket.data.actor, getMeeting(db, meetingId)) };
	});
}

export function giveFloorHandler({ socket, db }: HandlerDeps) {
	return change(FloorSchema, ({ meetingId, requestId }) => {
		giveFloor(db, socket.data.actor, meetingId, requestId);
		return null;
	});
}

export function setSpeechLimitHandler({ socket, db }: HandlerDeps) {
	return change(SpeechLimitSchema, ({ meetingId, seconds }) => {
		setSpeechLimit(db, socket.data.actor, meetingId, seconds);
		return null;
	});
}

export function registerMeetingHandlers(deps: HandlerDeps) {
	const { socket } = deps;
	socket.on('meeting:join', joinMeeting(deps));
	socket.on('meeting:leave', leaveMeeting(deps));
	socket.on('meeting:open', openMeetingHandler(deps));
	socket.on('meeting:close', closeMeetingHandler(deps));
	socket.on('item:setCurrent', setCurrentItemHandler(deps));
	socket.on('timer:start', startTimerHandler(deps));
	socket.on('timer:pause', pauseTimerHandler(deps));
	socket.on('attendance:checkIn', checkInHandler(deps));
	socket.on('attendance:showCode', showCodeHandler(deps));
	socket.on('attendance:mark', markAttendanceHandler(deps));
	socket.on('hand:raise', raiseHandHandler(deps));
	socket.on('hand:lower', lowerHandHandler(deps));
	socket.on('floor:give', giveFloorHandler(deps));
	socket.on('speech:setLimit', setSpeechLimitHandler(deps));
}
