/**
 * Ballots (选票) from every channel into one tally: phones (with a ballot id kept by the phone, so a
 * retry is the same ballot), the no-JavaScript form, assisted ballots (代投) recorded by staff, proxies
 * (委托) and hand counts (举手). Nothing is acknowledged before it is stored.
 */
import { and, eq, sql } from 'drizzle-orm';
import { RECEIPT_PATTERN } from '$lib/receipt';
import type { Db } from '../db';
import { prepared } from '../db/prepared';
import { authorize, householdScope, type Actor } from '../authz';
import { handCount, handCountEntry, pollBallotAlias, pollChoice, pollVote, resident } from '../db/schema';
import type { BallotChannel } from '../db/schema';
import { DomainError } from './errors';
import { getMeeting, meetingFor } from './meetings';
import { recordAudit } from './audit';
import { awardParticipation } from './points';
import { getPoll, isOpen, rulesOf, type Poll } from './polls';
import type { Voter } from './rolls';
import { handUnits, validChoices } from './tally';
import { freeUnits, presentResidents, requireProxy, voterOf } from './voters';

export { designateProxy, revokeProxy, voterStatus, missingVoters } from './voters';

export type CastInput = {
	pollId: number;
	ballotId: string;
	receipt: string;
	choices: string[];
	forResidentId?: number;
	channel?: 'phone' | 'form';
};
export type CastResult = { receipt: string; duplicate: boolean };

const BALLOT_ID = /^[A-Za-z0-9-]{8,64}$/;

function checkIds(ballotId: string, receipt: string) {
	if (!RECEIPT_PATTERN.test(receipt) || !BALLOT_ID.test(ballotId)) throw new DomainError('INVALID_INPUT');
}

/**
 * A retry of a ballot already stored (under this id now or before a change), answered with its
 * receipt whatever the poll's state, so a phone whose ack was lost learns its ballot counted even
 * after close. The id must belong to the same voter; a secret ballot's retry must carry its receipt.
 */
function findRetry(
	db: Db,
	p: Poll,
	ballotId: string,
	voterResidentId: number,
	receipt: string
): CastResult | null {
	const alias = prepared(db, 'ballots.alias', (db) =>
		db
			.select({ voteId: pollBallotAlias.voteId })
			.from(pollBallotAlias)
			.where(
				and(
					eq(pollBallotAlias.pollId, sql.placeholder('pollId')),
					eq(pollBallotAlias.ballotId, sql.placeholder('ballotId'))
				)
			)
			.prepare()
	).get({ pollId: p.id, ballotId });
	if (!alias) return null;
	const vote = db.select().from(pollVote).where(eq(pollVote.id, alias.voteId)).get()!;
	if (vote.voterResidentId !== voterResidentId) throw new DomainError('INVALID_INPUT', { field: 'ballotId' });
	if (!rulesOf(p).secret) return { receipt: vote.receipt!, duplicate: true };
	if (!secretReceiptKept(db, p.id, receipt)) throw new DomainError('INVALID_INPUT', { field: 'receipt' });
	return { receipt, duplicate: true };
}

type Stored = {
	voter: Voter;
	channel: BallotChannel;
	ballotId: string;
	receipt: string;
	choices: string[];
	recordedBy?: number;
	consentNote?: string;
	/** The account that cast it for someone else (a proxy holder), for the audit log. */
	castBy?: number;
};

/** Ballots one person records for another go in the audit log; a resident's own ballot does not. */
const AUDITED = { assisted: 'ballot.assist', hand: 'ballot.hand', proxy: 'ballot.proxy' } as const;

function secretReceiptKept(db: Db, pollId: number, receipt: string): boolean {
	const row = prepared(db, 'ballots.choiceReceipt', (db) =>
		db
			.select({ r: pollChoice.receipt })
			.from(pollChoice)
			.where(
				and(
					eq(pollChoice.pollId, sql.placeholder('pollId')),
					eq(pollChoice.receipt, sql.placeholder('receipt'))
				)
			)
			.prepare()
	).get({ pollId, receipt });
	return row !== undefined;
}

function receiptTaken(db: Db, p: Poll, receipt: string): boolean {
	if (rulesOf(p).secret) return secretReceiptKept(db, p.id, receipt);
	const row = prepared(db, 'ballots.voteReceipt', (db) =>
		db
			.select({ r: pollVote.receipt })
			.from(pollVote)
			.where(
				and(eq(pollVote.pollId, sql.placeholder('pollId')), eq(pollVote.receipt, sql.placeholder('receipt')))
			)
			.prepare()
	).get({ pollId: p.id, receipt });
	return row !== undefined;
}

/**
 * Stores one ballot, or recognises a retry. The first valid ballot of a unit wins unless the rules
 * allow changes (named polls only). Runs in one transaction, so two ballots of one household arriving
 * together cannot both count.
 */
function storeBallot(db: Db, p: Poll, b: Stored, now: number): CastResult {
	const rules = rulesOf(p);
	if (!validChoices(p.type, p.options, p.maxChoices, b.choices)) throw new DomainError('INVALID_CHOICE');
	return db.transaction((tx) => {
		// The prepared queries below run on `db`: the same connection, so inside this transaction.
		const retry = findRetry(db, p, b.ballotId, b.voter.residentId, b.receipt);
		if (retry) return retry;
		// Two phones drew the same receipt (1 in 31^10): this one draws again.
		if (receiptTaken(db, p, b.receipt)) throw new DomainError('RECEIPT_TAKEN');
		const key = b.voter.key;
		const earlier = prepared(db, 'ballots.earlier', (db) =>
			db
				.select()
				.from(pollVote)
				.where(
					and(eq(pollVote.pollId, sql.placeholder('pollId')), eq(pollVote.unitKey, sql.placeholder('key')))
				)
				.prepare()
		).get({ pollId: p.id, key });
		if (earlier && !(rules.allowChange && !rules.secret)) throw new DomainError('ALREADY_VOTED');
		let voteId: number;
		if (earlier) {
			voteId = earlier.id;
			tx.update(pollVote)
				.set({
					choices: b.choices,
					channel: b.channel,
					ballotId: b.ballotId,
					receipt: b.receipt,
					voterResidentId: b.voter.residentId,
					recordedByUserId: b.recordedBy ?? null,
					consentNote: b.consentNote ?? null,
					updatedAt: new Date(now)
				})
				.where(eq(pollVote.id, earlier.id))
				.run();
		} else {
			// Two statements: a placeholder would store a JSON "null" for a secret ballot's choices, not NULL.
			voteId = prepared(db, rules.secret ? 'ballots.addVote.secret' : 'ballots.addVote.named', (db) =>
				db
					.insert(pollVote)
					.values({
						pollId: sql.placeholder('pollId'),
						unitKey: sql.placeholder('unitKey'),
						voterResidentId: sql.placeholder('voterResidentId'),
						channel: sql.placeholder('channel'),
						ballotId: sql.placeholder('ballotId'),
						// A secret poll keeps choice and receipt only in the unlinked table.
						choices: rules.secret ? null : sql.placeholder('choices'),
						receipt: rules.secret ? null : sql.placeholder('receipt'),
						recordedByUserId: sql.placeholder('recordedByUserId'),
						consentNote: sql.placeholder('consentNote'),
						createdAt: sql.placeholder('createdAt'),
						updatedAt: sql.placeholder('updatedAt')
					})
					.returning({ id: pollVote.id })
					.prepare()
			).get({
				pollId: p.id,
				unitKey: key,
				voterResidentId: b.voter.residentId,
				channel: b.channel,
				ballotId: b.ballotId,
				choices: b.choices,
				receipt: b.receipt,
				recordedByUserId: b.recordedBy ?? null,
				consentNote: b.consentNote ?? null,
				createdAt: new Date(now),
				updatedAt: new Date(now)
			})!.id;
			if (rules.secret)
				prepared(db, 'ballots.addChoice', (db) =>
					db
						.insert(pollChoice)
						.values({
							pollId: sql.placeholder('pollId'),
							receipt: sql.placeholder('receipt'),
							choices: sql.placeholder('choices')
						})
						.prepare()
				).run({ pollId: p.id, receipt: b.receipt, choices: b.choices });
			// 积分 for taking part: the source is the poll, never the ballot, so a secret choice stays unlinked.
			awardParticipation(
				tx,
				{ residentId: b.voter.residentId, code: 'vote', sourceType: 'poll', sourceId: p.id },
				now
			);
		}
		prepared(db, 'ballots.addAlias', (db) =>
			db
				.insert(pollBallotAlias)
				.values({
					pollId: sql.placeholder('pollId'),
					ballotId: sql.placeholder('ballotId'),
					voteId: sql.placeholder('voteId')
				})
				.prepare()
		).run({ pollId: p.id, ballotId: b.ballotId, voteId });
		if (b.channel in AUDITED) {
			const { communityId } = getMeeting(db, p.meetingId);
			const action = AUDITED[b.channel as keyof typeof AUDITED];
			const detail = { voterResidentId: b.voter.residentId, unit: b.voter.key, changed: !!earlier };
			const actorUserId = b.recordedBy ?? b.castBy ?? null;
			recordAudit(
				tx,
				{ communityId, actorUserId, action, subjectType: 'poll', subjectId: p.id, detail },
				now
			);
		}
		// Hands already counted must still fit among the present units that have not voted otherwise.
		const hands = handUnits(p.type, handCountsOf(db, p.id));
		if (hands > 0 && hands > freeUnits(db, tx, p)) throw new DomainError('HAND_COUNT_BOUND');
		return { receipt: b.receipt, duplicate: false };
	});
}

function handCountsOf(db: Db, pollId: number): Record<string, number> {
	return Object.fromEntries(
		prepared(db, 'ballots.handCounts', (db) =>
			db
				.select()
				.from(handCount)
				.where(eq(handCount.pollId, sql.placeholder('pollId')))
				.prepare()
		)
			.all({ pollId })
			.map((h) => [h.optionId, h.count])
	);
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
			castBy: asProxy ? actor.userId : undefined
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
		{ voter, channel: 'hand', ballotId, receipt, choices, recordedBy: a.userId },
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
