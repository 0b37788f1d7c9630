/**
 * Storing one ballot of any channel: recognising a retry, refusing a second ballot of a unit unless
 * the voter themselves may change theirs, keeping what a change replaced, and the audit entry.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { prepared } from '../db/prepared';
import { handCount, pollBallotAlias, pollReplacedBallot, pollVote } from '../db/schema';
import type { BallotChannel } from '../db/schema';
import { DomainError } from './errors';
import { getMeeting } from './meetings';
import { recordAudit } from './audit';
import { awardParticipation } from './points';
import { rulesOf, type Poll } from './polls';
import type { Voter } from './rolls';
import { handUnits, validChoices, type PollRules } from './tally';
import { castByVoter, freeUnits } from './voters';
import { putInBallotBox, receiptCheck, receiptInBallotBox, storedBallotId } from './secret-ballots';

export type CastResult = { receipt: string; duplicate: boolean };

export type Stored = {
	voter: Voter;
	channel: BallotChannel;
	ballotId: string;
	receipt: string;
	choices: string[];
	/** The account that submitted it: the voter, their proxy, or the staff member recording it. */
	actorUserId: number;
	/** Staff who recorded it (代投, 举手), kept on the vote row. */
	recordedBy?: number;
	consentNote?: string;
};

/** Ballots one person records for another go in the audit log, and so does every replacement. */
const AUDITED = { assisted: 'ballot.assist', hand: 'ballot.hand', proxy: 'ballot.proxy' } as const;

type Vote = typeof pollVote.$inferSelect;

function voteById(db: Db, id: number): Vote {
	return prepared(db, 'ballots.vote', (db) =>
		db
			.select()
			.from(pollVote)
			.where(eq(pollVote.id, sql.placeholder('id')))
			.prepare()
	).get({ id })!;
}

/**
 * A retry of a ballot already stored (under this id now or before a change), answered whatever the
 * poll's state, so a phone whose ack was lost learns its ballot counted even after close. The id must
 * belong to the same voter. A secret ballot's retry must carry its own receipt (checked against the
 * hash only its ballot id reproduces), else it is refused; a named one is answered with the stored
 * receipt of its own ballot.
 */
export function findRetry(
	db: Db,
	p: Poll,
	ballotId: string,
	voterResidentId: number,
	receipt: string
): CastResult | null {
	const secret = rulesOf(p).secret;
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
	).get({ pollId: p.id, ballotId: storedBallotId(p.id, secret, ballotId) });
	if (!alias) return null;
	const vote = voteById(db, alias.voteId);
	if (vote.voterResidentId !== voterResidentId) throw new DomainError('INVALID_INPUT', { field: 'ballotId' });
	if (secret) {
		if (vote.receiptCheck !== receiptCheck(p.id, ballotId, receipt))
			throw new DomainError('INVALID_INPUT', { field: 'receipt' });
		return { receipt, duplicate: true };
	}
	if (vote.ballotId === ballotId) return { receipt: vote.receipt!, duplicate: true };
	const old = db
		.select()
		.from(pollReplacedBallot)
		.where(and(eq(pollReplacedBallot.pollId, p.id), eq(pollReplacedBallot.ballotId, ballotId)))
		.get();
	// The voter's phone that changed its own ballot learns the receipt that counts now; a ballot cast
	// for someone (代投, 举手, 委托) is answered with its own receipt, never the one that replaced it.
	// (A change stored before replaced ballots were kept has no row: answered as it was then.)
	const own = !old || (castByVoter(old.channel) && castByVoter(vote.channel));
	return { receipt: own ? vote.receipt! : old.receipt, duplicate: true };
}

function receiptTaken(db: Db, p: Poll, receipt: string): boolean {
	const rules = rulesOf(p);
	if (rules.secret) return receiptInBallotBox(db, p.id, receipt);
	const row = prepared(db, 'ballots.voteReceipt', (db) =>
		db
			.select({ r: pollVote.receipt })
			.from(pollVote)
			.where(
				and(eq(pollVote.pollId, sql.placeholder('pollId')), eq(pollVote.receipt, sql.placeholder('receipt')))
			)
			.prepare()
	).get({ pollId: p.id, receipt });
	if (row || !rules.allowChange) return row !== undefined;
	// Replaced receipts stay published: a new ballot may not take one.
	const old = db
		.select({ r: pollReplacedBallot.receipt })
		.from(pollReplacedBallot)
		.where(and(eq(pollReplacedBallot.pollId, p.id), eq(pollReplacedBallot.receipt, receipt)))
		.get();
	return old !== undefined;
}

/**
 * May `b` replace the unit's earlier ballot? An assisted, hand-recorded or proxy ballot never replaces
 * one the resident cast themselves (VOTED_IN_PERSON). Otherwise a change needs a named poll that
 * allows it, and the same voter: another member of the household cannot change it (ALREADY_VOTED).
 */
function checkReplacement(rules: PollRules, earlier: Vote, b: Stored) {
	if (castByVoter(earlier.channel) && !castByVoter(b.channel)) throw new DomainError('VOTED_IN_PERSON');
	if (!rules.allowChange || rules.secret) throw new DomainError('ALREADY_VOTED');
	if (earlier.voterResidentId !== b.voter.residentId) throw new DomainError('ALREADY_VOTED');
}

/** Keeps the replaced ballot (its receipt stays published, marked replaced) and moves the vote to `b`. */
function replaceBallot(db: Db, earlier: Vote, b: Stored, now: number) {
	db.insert(pollReplacedBallot)
		.values({
			pollId: earlier.pollId,
			ballotId: earlier.ballotId,
			voteId: earlier.id,
			receipt: earlier.receipt!,
			choices: earlier.choices ?? [],
			channel: earlier.channel,
			recordedByUserId: earlier.recordedByUserId,
			replacedByChannel: b.channel,
			replacedAt: new Date(now)
		})
		.run();
	db.update(pollVote)
		.set({
			choices: b.choices,
			channel: b.channel,
			ballotId: b.ballotId,
			receipt: b.receipt,
			recordedByUserId: b.recordedBy ?? null,
			consentNote: b.consentNote ?? null,
			updatedAt: new Date(now)
		})
		.where(eq(pollVote.id, earlier.id))
		.run();
}

function insertVote(db: Db, p: Poll, b: Stored, storedId: string, now: number): number {
	const secret = rulesOf(p).secret;
	// Two statements: a placeholder would store a JSON "null" for a secret ballot's choices, not NULL.
	return prepared(db, secret ? 'ballots.addVote.secret' : 'ballots.addVote.named', (db) =>
		db
			.insert(pollVote)
			.values({
				pollId: sql.placeholder('pollId'),
				unitKey: sql.placeholder('unitKey'),
				voterResidentId: sql.placeholder('voterResidentId'),
				channel: sql.placeholder('channel'),
				ballotId: sql.placeholder('ballotId'),
				// A secret poll keeps choice and receipt only in the ballot box, and a hash to check retries.
				choices: secret ? null : sql.placeholder('choices'),
				receipt: secret ? null : sql.placeholder('receipt'),
				receiptCheck: secret ? sql.placeholder('receiptCheck') : null,
				recordedByUserId: sql.placeholder('recordedByUserId'),
				consentNote: sql.placeholder('consentNote'),
				createdAt: sql.placeholder('createdAt'),
				updatedAt: sql.placeholder('updatedAt')
			})
			.returning({ id: pollVote.id })
			.prepare()
	).get({
		pollId: p.id,
		unitKey: b.voter.key,
		voterResidentId: b.voter.residentId,
		channel: b.channel,
		ballotId: storedId,
		choices: b.choices,
		receipt: b.receipt,
		receiptCheck: secret ? receiptCheck(p.id, b.ballotId, b.receipt) : null,
		recordedByUserId: b.recordedBy ?? null,
		consentNote: b.consentNote ?? null,
		createdAt: new Date(now),
		updatedAt: new Date(now)
	})!.id;
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

/**
 * Stores one ballot, or recognises a retry. The first valid ballot of a unit wins unless its voter may
 * change it (`checkReplacement`). Runs in one transaction, so two ballots of one household arriving
 * together cannot both count.
 */
export function storeBallot(db: Db, p: Poll, b: Stored, now: number): CastResult {
	const rules = rulesOf(p);
	if (!validChoices(p.type, p.options, p.maxChoices, b.choices)) throw new DomainError('INVALID_CHOICE');
	return db.transaction((tx) => {
		// The prepared queries below run on `db`: the same connection, so inside this transaction.
		const retry = findRetry(db, p, b.ballotId, b.voter.residentId, b.receipt);
		if (retry) return retry;
		// Two phones drew the same receipt (1 in 31^10): this one draws again.
		if (receiptTaken(db, p, b.receipt)) throw new DomainError('RECEIPT_TAKEN');
		const earlier = prepared(db, 'ballots.earlier', (db) =>
			db
				.select()
				.from(pollVote)
				.where(
					and(eq(pollVote.pollId, sql.placeholder('pollId')), eq(pollVote.unitKey, sql.placeholder('key')))
				)
				.prepare()
		).get({ pollId: p.id, key: b.voter.key });
		const storedId = storedBallotId(p.id, rules.secret, b.ballotId);
		let voteId: number;
		if (earlier) {
			checkReplacement(rules, earlier, b);
			replaceBallot(db, earlier, b, now);
			voteId = earlier.id;
		} else {
			voteId = insertVote(db, p, b, storedId, now);
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
		).run({ pollId: p.id, ballotId: storedId, voteId });
		if (b.channel in AUDITED || earlier) {
			const { communityId } = getMeeting(db, p.meetingId);
			const action = AUDITED[b.channel as keyof typeof AUDITED] ?? 'ballot.replace';
			// What replaced what, by channel and who recorded it; never a choice or a receipt.
			const replaced = earlier && { channel: earlier.channel, recordedByUserId: earlier.recordedByUserId };
			const detail = {
				voterResidentId: b.voter.residentId,
				unit: b.voter.key,
				channel: b.channel,
				...(replaced ? { replaced } : {})
			};
			const entry = { communityId, actorUserId: b.actorUserId, action, subjectType: 'poll' as const };
			recordAudit(tx, { ...entry, subjectId: p.id, detail }, now);
		}
		// Hands already counted must still fit among the present units that have not voted otherwise.
		const hands = handUnits(p.type, handCountsOf(db, p.id));
		if (hands > 0 && hands > freeUnits(db, tx, p)) throw new DomainError('HAND_COUNT_BOUND');
		// Last, so nothing after it can undo the vote while its choice waits for the end of the batch.
		if (rules.secret) putInBallotBox(db, { pollId: p.id, receipt: b.receipt, choices: b.choices, storedId });
		return { receipt: b.receipt, duplicate: false };
	});
}
