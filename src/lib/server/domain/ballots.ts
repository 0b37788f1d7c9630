/**
 * Ballots (选票) from every channel into one tally: phones (with a ballot id kept by the phone, so a
 * retry is the same ballot), the no-JavaScript form, assisted ballots (代投) recorded by staff, proxies
 * (委托) and hand counts (举手). Nothing is acknowledged before it is stored.
 */
import { eq } from 'drizzle-orm';
import { RECEIPT_PATTERN } from '$lib/receipt';
import type { Db } from '../db';
import { authorize, householdScope, type Actor } from '../authz';
import { handCount, handCountEntry, resident } from '../db/schema';
import type { BallotChannel } from '../db/schema';
import { DomainError } from './errors';
import { getMeeting, meetingFor } from './meetings';
import { recordAudit } from './audit';
import { getPoll, isOpen, rulesOf, type Poll } from './polls';
import type { Voter } from './rolls';
import { handUnits } from './tally';
import { freeUnits, presentResidents, requireProxy, voterOf } from './voters';
import { findRetry, storeBallot, type CastResult } from './ballot-store';

export { designateProxy, revokeProxy, voterStatus, missingVoters, ballotProgress } from './voters';
export type { CastResult } from './ballot-store';

export type CastInput = {
	pollId: number;
	ballotId: string;
	receipt: string;
	choices: string[];
	forResidentId?: number;
	channel?: 'phone' | 'form';
};

const BALLOT_ID = /^[A-Za-z0-9-]{8,64}$/;

function checkIds(ballotId: string, receipt: string) {
	if (!RECEIPT_PATTERN.test(receipt) || !BALLOT_ID.test(ballotId)) throw new DomainError('INVALID_INPUT');
}

function requireOpen(p: Poll, now: number) {
	if (!isOpen(p, now)) throw new DomainError('POLL_CLOSED');
}

/** A resident's own ballot from a phone or the plain form, or a proxy's ballot for its grantor. */
export function castBallot(db: Db, actor: Actor | null, input: CastInput, now = Date.now()): CastResult {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	checkIds(input.ballotId, input.receipt);
	const p = getPoll(db, input.pollId);
	meetingFor(db, actor, p.meetingId, 'meeting.attend');
	if (!actor.residentId) throw new DomainError('NOT_ELIGIBLE');
	const asProxy = input.forResidentId !== undefined && input.forResidentId !== actor.residentId;
	const voterId = asProxy ? input.forResidentId! : actor.residentId;
	const retry = findRetry(db, p, input.ballotId, voterId, input.receipt);
	if (retry) return retry;
	requireOpen(p, now);
	const present = rulesOf(p).whoMayVote === 'present' ? 'unit' : false;
	let voter: Voter;
	if (asProxy) {
		// The proxy need not be on the roll (an owner's agent), but must be in the room when that is the rule.
		if (present && !presentResidents(db, p.meetingId).has(actor.residentId))
			throw new DomainError('NOT_PRESENT');
		requireProxy(db, p.meetingId, actor.residentId, voterId);
		voter = voterOf(db, p, voterId, false);
	} else voter = voterOf(db, p, actor.residentId, present);
	const channel: BallotChannel = asProxy ? 'proxy' : (input.channel ?? 'phone');
	return storeBallot(
		db,
		p,
		{
			voter,
			channel,
			ballotId: input.ballotId,
			receipt: input.receipt,
			choices: input.choices,
			actorUserId: actor.userId
		},
		now
	);
}

/** 代投: staff of the resident's household record a ballot for a named resident who is there in person, with consent. */
export function assistBallot(
	db: Db,
	actor: Actor | null,
	input: {
		pollId: number;
		residentId: number;
		choices: string[];
		consentNote: string;
		ballotId: string;
		receipt: string;
	},
	now = Date.now()
): CastResult {
	const p = getPoll(db, input.pollId);
	const r = db
		.select({ householdId: resident.householdId })
		.from(resident)
		.where(eq(resident.id, input.residentId))
		.get();
	if (!r) throw new DomainError('NOT_FOUND', { residentId: input.residentId });
	const a = authorize(actor, 'ballot.assist', householdScope(db, r.householdId));
	checkIds(input.ballotId, input.receipt);
	const retry = findRetry(db, p, input.ballotId, input.residentId, input.receipt);
	if (retry) return retry;
	requireOpen(p, now);
	const note = input.consentNote.trim();
	if (!note || note.length > 200) throw new DomainError('INVALID_INPUT', { field: 'consentNote' });
	const voter = voterOf(db, p, input.residentId, 'person');
	return storeBallot(
		db,
		p,
		{
			voter,
			channel: 'assisted',
			ballotId: input.ballotId,
			receipt: input.receipt,
			choices: input.choices,
			actorUserId: a.userId,
			recordedBy: a.userId,
			consentNote: note
		},
		now
	);
}

/**
 * 举手, by name: the facilitator records that a unit on the roll raised its hand for a choice. This is
 * how hands count where each unit weighs its floor area (业主大会), which a bare number cannot carry.
 */
export function recordHandBallot(
	db: Db,
	actor: Actor | null,
	input: { pollId: number; residentId: number; choices: string[]; ballotId: string; receipt: string },
	now = Date.now()
): CastResult {
	const p = getPoll(db, input.pollId);
	const a = meetingFor(db, actor, p.meetingId, 'meeting.manage') && actor!;
	checkIds(input.ballotId, input.receipt);
	const retry = findRetry(db, p, input.ballotId, input.residentId, input.receipt);
	if (retry) return retry;
	requireOpen(p, now);
	if (rulesOf(p).secret) throw new DomainError('INVALID_INPUT', { field: 'secret' });
	const voter = voterOf(db, p, input.residentId, 'unit');
	const { ballotId, receipt, choices } = input;
	return storeBallot(
		db,
		p,
		{ voter, channel: 'hand', ballotId, receipt, choices, actorUserId: a.userId, recordedBy: a.userId },
		now
	);
}

/**
 * 举手: the facilitator sets the hand counts per option (replacing the last entry; every entry is kept).
 * They are bounded by the present units that have not voted by another channel.
 */
export function setHandCounts(
	db: Db,
	actor: Actor | null,
	pollId: number,
	counts: Record<string, number>,
	now = Date.now()
) {
	const p = getPoll(db, pollId);
	meetingFor(db, actor, p.meetingId, 'meeting.manage');
	requireOpen(p, now);
	if (rulesOf(p).votingUnit === 'owner') throw new DomainError('HAND_COUNT_NAMED');
	// An election is by secret ballot: a show of hands is not one.
	if (rulesOf(p).preset?.id === 'villageElection') throw new DomainError('INVALID_INPUT', { field: 'hands' });
	const ids = new Set(p.options.map((o) => o.id));
	const entries = Object.entries(counts);
	if (entries.some(([id, n]) => !ids.has(id) || !Number.isInteger(n) || n < 0))
		throw new DomainError('INVALID_INPUT', { field: 'counts' });
	db.transaction((tx) => {
		const bound = freeUnits(db, tx, p);
		if (handUnits(p.type, counts) > bound) throw new DomainError('HAND_COUNT_BOUND', { bound });
		tx.delete(handCount).where(eq(handCount.pollId, p.id)).run();
		const rows = entries
			.filter(([, n]) => n > 0)
			.map(([optionId, count]) => ({ pollId: p.id, optionId, count }));
		if (rows.length) tx.insert(handCount).values(rows).run();
		tx.insert(handCountEntry)
			.values({ pollId: p.id, counts, enteredByUserId: actor!.userId, createdAt: new Date(now) })
			.run();
		const { communityId } = getMeeting(db, p.meetingId);
		const entry = { communityId, actorUserId: actor!.userId, subjectType: 'poll', subjectId: p.id } as const;
		recordAudit(tx, { ...entry, action: 'handCount.record', detail: { counts } }, now);
	});
}
