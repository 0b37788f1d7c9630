/**
 * Voting over Socket.IO (src/lib/realtime/poll.ts): thin handlers over domain/polls, ballots and
 * resolutions. Every change answers its sender once stored and schedules the meeting's coalesced
 * state broadcast; poll timers are kept by the server (and found again after a restart).
 */
import * as v from 'valibot';
import type { Ack } from '$lib/realtime/protocol';
import { PRESETS, type PresetId } from '$lib/presets';
import type { CastResult } from '$lib/realtime/poll';
import type { Db } from '../db';
import {
	assistBallot,
	castBallot,
	designateProxy,
	recordHandBallot,
	revokeProxy,
	setHandCounts
} from '../domain/ballots';
import { isDomainError } from '../domain/errors';
import { getPoll, openPoll } from '../domain/polls';
import { closeDuePolls, closePoll, nextPollDeadline, withdrawPoll } from '../domain/resolutions';
import { answer, parsePayload } from './envelope';
import type { createGroupCommit } from './group-commit';
import { broadcastMeetingState } from './meeting';
import type { HandlerDeps } from './types';

const Id = v.pipe(v.number(), v.integer(), v.minValue(1));
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Choices = v.pipe(v.array(Text(16)), v.maxLength(12));
const Share = v.strictObject({
	num: v.pipe(v.number(), v.integer()),
	den: v.pipe(v.number(), v.integer()),
	strict: v.boolean()
});
const Rules = v.strictObject({
	votingUnit: v.picklist(['household', 'resident', 'representative', 'owner']),
	whoMayVote: v.picklist(['present', 'eligible']),
	quorum: Share,
	threshold: v.picklist(['simple', 'absolute', 'twoThirds', 'presentMajority', 'threeQuartersPresent']),
	secret: v.boolean(),
	liveTally: v.boolean(),
	allowChange: v.boolean(),
	preset: v.optional(
		v.strictObject({
			id: v.picklist(Object.keys(PRESETS) as PresetId[]),
			base: v.picklist(['adults', 'households', 'representatives', 'owners']),
			article: v.optional(Text(80)),
			matter: v.optional(v.pipe(v.number(), v.integer()))
		})
	)
});
const OpenSchema = v.strictObject({
	meetingId: Id,
	agendaItemId: v.nullable(Text(64)),
	question: Text(200),
	type: v.picklist(['yesNoAbstain', 'single', 'multi']),
	options: v.optional(v.pipe(v.array(Text(60)), v.maxLength(12))),
	maxChoices: v.optional(v.pipe(v.number(), v.integer())),
	rules: Rules,
	durationSeconds: v.nullable(v.pipe(v.number(), v.integer()))
});
const PollIdSchema = v.strictObject({ pollId: Id });
const CastSchema = v.strictObject({
	pollId: Id,
	ballotId: Text(64),
	receipt: Text(16),
	choices: Choices,
	forResidentId: v.optional(Id)
});
const AssistSchema = v.strictObject({
	pollId: Id,
	residentId: Id,
	choices: Choices,
	consentNote: Text(200),
	ballotId: Text(64),
	receipt: Text(16)
});
const HandBallotSchema = v.strictObject({
	pollId: Id,
	residentId: Id,
	choices: Choices,
	ballotId: Text(64),
	receipt: Text(16)
});
const HandsSchema = v.strictObject({
	pollId: Id,
	counts: v.pipe(
		v.record(Text(16), v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000))),
		v.check((c) => Object.keys(c).length <= 12)
	)
});
const ProxySchema = v.strictObject({ meetingId: Id, proxyResidentId: Id });
const MeetingIdSchema = v.strictObject({ meetingId: Id });

function pollChange<S extends v.GenericSchema, R>(
	db: Db,
	schema: S,
	run: (p: v.InferOutput<S>) => R | Promise<R>,
	meetingOf: (p: v.InferOutput<S>) => number
) {
	return (payload: unknown, ack: (res: Ack<R>) => void) =>
		answer(ack, async () => {
			const p = parsePayload(schema, payload);
			const result = await run(p);
			broadcastMeetingState(meetingOf(p));
			return result;
		});
}

export function registerPollHandlers({ socket, db, docs }: HandlerDeps, { commit }: { commit: GroupCommit }) {
	const actor = () => socket.data.actor;
	const meetingOfPoll = (p: { pollId: number }) => getPoll(db, p.pollId).meetingId;
	socket.on(
		'poll:open',
		pollChange(
			db,
			OpenSchema,
			// The domain tells the realtime layer (meeting-events.ts): broadcast and timer follow from there.
			(p) => ({ pollId: openPoll(db, docs, actor(), p) }),
			(p) => p.meetingId
		)
	);
	socket.on(
		'poll:close',
		pollChange(db, PollIdSchema, (p) => ({ resolutionId: closePoll(db, actor(), p.pollId) }), meetingOfPoll)
	);
	socket.on(
		'poll:withdraw',
		pollChange(
			db,
			PollIdSchema,
			(p) => ({ resolutionId: withdrawPoll(db, actor(), p.pollId) }),
			meetingOfPoll
		)
	);
	// Ballots go through group commit: stored together, each acknowledged after that commit.
	socket.on(
		'ballot:cast',
		pollChange(
			db,
			CastSchema,
			(p): Promise<CastResult> => commit(() => castBallot(db, actor(), { ...p, channel: 'phone' })),
			meetingOfPoll
		)
	);
	socket.on(
		'ballot:assist',
		pollChange(
			db,
			AssistSchema,
			(p): Promise<CastResult> => commit(() => assistBallot(db, actor(), p)),
			meetingOfPoll
		)
	);
	socket.on(
		'ballot:hand',
		pollChange(
			db,
			HandBallotSchema,
			(p): Promise<CastResult> => commit(() => recordHandBallot(db, actor(), p)),
			meetingOfPoll
		)
	);
	socket.on(
		'hands:set',
		pollChange(
			db,
			HandsSchema,
			(p) => {
				setHandCounts(db, actor(), p.pollId, p.counts);
				return null;
			},
			meetingOfPoll
		)
	);
	socket.on(
		'proxy:designate',
		pollChange(
			db,
			ProxySchema,
			(p) => {
				designateProxy(db, actor(), p.meetingId, p.proxyResidentId);
				return null;
			},
			(p) => p.meetingId
		)
	);
	socket.on(
		'proxy:revoke',
		pollChange(
			db,
			MeetingIdSchema,
			(p) => {
				revokeProxy(db, actor(), p.meetingId);
				return null;
			},
			(p) => p.meetingId
		)
	);
}

export type PollScheduler = { reschedule(): void; close(): void };
export type GroupCommit = ReturnType<typeof createGroupCommit>;

/**
 * Closes polls when their time is up. One timer for the nearest deadline, re-armed after each change;
 * deadlines live in the database, so a restart finds them again (and closes any that passed meanwhile).
 */
export function startPollScheduler(db: Db): PollScheduler {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	const run = () => {
		try {
			// Each close tells the meeting's screens itself (meeting-events.ts).
			closeDuePolls(db);
		} catch (e) {
			if (!isDomainError(e)) console.error('closing due polls failed', e);
		}
		arm();
	};
	const arm = () => {
		clearTimeout(timer);
		if (stopped) return;
		const next = nextPollDeadline(db);
		if (next === null) return;
		// Capped so a far deadline is re-checked (clock changes, timers' 24-day limit).
		timer = setTimeout(run, Math.min(Math.max(0, next - Date.now()), 60_000));
	};
	arm();
	return {
		reschedule: arm,
		close() {
			stopped = true;
			clearTimeout(timer);
		}
	};
}
