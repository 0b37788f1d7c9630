/**
 * Ballots (选票) from every channel into one tally: phones (with a ballot id kept by the phone, so a
 * retry is the same ballot), the no-JavaScript form, assisted ballots (代投) recorded by staff, proxies
 * (委托) and hand counts (举手). Nothing is acknowledged before it is stored.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { RECEIPT_PATTERN } from '$lib/receipt';
import type { Db, Tx } from '../db';
import { authorize, householdScope, type Actor } from '../authz';
import {
	attendance,
	handCount,
	handCountEntry,
	poll,
	pollChoice,
	pollVote,
	proxy,
	resident
} from '../db/schema';
import type { BallotChannel } from '../db/schema';
import { DomainError } from './errors';
import { countUnits, eligibleParticipants, type Participant } from './eligibility';
import { getMeeting, meetingFor } from './meetings';
import { getPoll, isOpen, rulesOf, type Poll } from './polls';
import { handUnits, validChoices, type PollRules } from './tally';

export type CastInput = {
	pollId: number;
	ballotId: string;
	receipt: string;
	choices: string[];
	forResidentId?: number;
	channel?: 'phone' | 'form';
};

const BALLOT_ID = /^[A-Za-z0-9-]{8,64}$/;

const unitKey = (rules: PollRules, p: { residentId: number; householdId: number }) =>
	rules.votingUnit === 'household' ? `household:${p.householdId}` : `resident:${p.residentId}`;

/** Residents present at the poll's meeting (checked in or marked). */
function presentResidents(db: Db | Tx, meetingId: number): Set<number> {
	return new Set(
		db
			.select({ id: attendance.residentId })
			.from(attendance)
			.where(and(eq(attendance.meetingId, meetingId), eq(attendance.present, true)))
			.all()
			.map((a) => a.id)
	);
}

/** The voter as a participant of the meeting, or NOT_ELIGIBLE (outside the scope, a child, not present when required). */
function voterOf(
	db: Db,
	p: Poll,
	residentId: number,
	{ mustBePresent }: { mustBePresent: boolean }
): Participant {
	const m = getMeeting(db, p.meetingId);
	const voter = eligibleParticipants(db, m, m.startsAt).find((e) => e.residentId === residentId);
	if (!voter) throw new DomainError('NOT_ELIGIBLE');
	if (mustBePresent) {
		const present = presentResidents(db, m.id);
		const unitPresent =
			rulesOf(p).votingUnit === 'household'
				? eligibleParticipants(db, m, m.startsAt).some(
						(e) => e.householdId === voter.householdId && present.has(e.residentId)
					)
				: present.has(residentId);
		if (!unitPresent) throw new DomainError('NOT_PRESENT');
	}
	return voter;
}

/** The resident a proxy may vote for in this meeting, or PROXY_NOT_DESIGNATED. */
function grantorFor(db: Db, meetingId: number, proxyResidentId: number, grantorResidentId: number) {
	const d = db
		.select({ id: proxy.id })
		.from(proxy)
		.where(
			and(
				eq(proxy.meetingId, meetingId),
				eq(proxy.grantorResidentId, grantorResidentId),
				eq(proxy.proxyResidentId, proxyResidentId),
				isNull(proxy.revokedAt)
			)
		)
		.get();
	if (!d) throw new DomainError('PROXY_NOT_DESIGNATED');
}

type Stored = {
	pollId: number;
	voter: Participant;
	channel: BallotChannel;
	ballotId: string;
	receipt: string;
	choices: string[];
	recordedBy?: number;
	consentNote?: string;
};

/**
 * Stores one ballot, or recognises a retry. The first valid ballot of a unit wins unless the rules
 * allow changes (named polls only); a retry with the same ballot id answers with the same receipt.
 */
function storeBallot(db: Db, p: Poll, b: Stored, now: number): { receipt: string; duplicate: boolean } {
	const rules = rulesOf(p);
	if (!validChoices(p.type, p.options, p.maxChoices, b.choices)) throw new DomainError('INVALID_CHOICE');
	return db.transaction((tx) => {
		const same = tx
			.select()
			.from(pollVote)
			.where(and(eq(pollVote.pollId, p.id), eq(pollVote.ballotId, b.ballotId)))
			.get();
		if (same) {
			if (!rules.secret) return { receipt: same.receipt ?? b.receipt, duplicate: true };
			// A secret ballot's receipt is not stored with it: a true retry carries the receipt it was cast with.
			const kept = tx
				.select({ receipt: pollChoice.receipt })
				.from(pollChoice)
				.where(and(eq(pollChoice.pollId, p.id), eq(pollChoice.receipt, b.receipt)))
				.get();
			if (!kept) throw new DomainError('INVALID_INPUT', { field: 'receipt' });
			return { receipt: b.receipt, duplicate: true };
		}
		const key = unitKey(rules, { residentId: b.voter.residentId, householdId: b.voter.householdId });
		const earlier = tx
			.select()
			.from(pollVote)
			.where(and(eq(pollVote.pollId, p.id), eq(pollVote.unitKey, key)))
			.get();
		if (earlier && !(rules.allowChange && !rules.secret)) throw new DomainError('ALREADY_VOTED');
		if (earlier) {
			tx.update(pollVote)
				.set({
					choices: b.choices,
					channel: b.channel,
					ballotId: b.ballotId,
					receipt: b.receipt,
					voterResidentId: b.voter.residentId,
					updatedAt: new Date(now)
				})
				.where(eq(pollVote.id, earlier.id))
				.run();
			return { receipt: b.receipt, duplicate: false };
		}
		tx.insert(pollVote)
			.values({
				pollId: p.id,
				unitKey: key,
				voterResidentId: b.voter.residentId,
				channel: b.channel,
				ballotId: b.ballotId,
				// A secret poll keeps choice and receipt only in the unlinked table.
				choices: rules.secret ? null : b.choices,
				receipt: rules.secret ? null : b.receipt,
				recordedByUserId: b.recordedBy ?? null,
				consentNote: b.consentNote ?? null,
				createdAt: new Date(now),
				updatedAt: new Date(now)
			})
			.run();
		if (rules.secret) {
			const taken = tx
				.select({ receipt: pollChoice.receipt })
				.from(pollChoice)
				.where(and(eq(pollChoice.pollId, p.id), eq(pollChoice.receipt, b.receipt)))
				.get();
			// Two phones drew the same receipt (1 in 31^10): this one draws again.
			if (taken) throw new DomainError('RECEIPT_TAKEN');
			tx.insert(pollChoice).values({ pollId: p.id, receipt: b.receipt, choices: b.choices }).run();
		}
		// Hands already counted must still fit among the present units that have not voted otherwise.
		if (handUnits(p.type, handCountsOf(tx, p.id)) > freeUnits(db, tx, p))
			throw new DomainError('HAND_COUNT_BOUND');
		return { receipt: b.receipt, duplicate: false };
	});
}

/** Present units of the poll's meeting that have no ballot by another channel: the bound on hand counts. */
function freeUnits(db: Db, tx: Db | Tx, p: Poll): number {
	const rules = rulesOf(p);
	const m = getMeeting(db, p.meetingId);
	const present = presentResidents(tx, m.id);
	const voted = new Set(
		tx
			.select({ key: pollVote.unitKey })
			.from(pollVote)
			.where(eq(pollVote.pollId, p.id))
			.all()
			.map((v) => v.key)
	);
	const free = eligibleParticipants(db, m, m.startsAt).filter(
		(e) => present.has(e.residentId) && !voted.has(unitKey(rules, e))
	);
	return countUnits(free, rules.votingUnit);
}

function handCountsOf(tx: Db | Tx, pollId: number): Record<string, number> {
	return Object.fromEntries(
		tx
			.select()
			.from(handCount)
			.where(eq(handCount.pollId, pollId))
			.all()
			.map((h) => [h.optionId, h.count])
	);
}

function openPollFor(db: Db, pollId: number, now: number): Poll {
	const p = getPoll(db, pollId);
	if (!isOpen(p, now)) throw new DomainError('POLL_CLOSED');
	return p;
}

/** A resident's own ballot from a phone or the plain form, or a proxy's ballot for its grantor. */
export function castBallot(db: Db, actor: Actor | null, input: CastInput, now = Date.now()) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	if (!RECEIPT_PATTERN.test(input.receipt) || !BALLOT_ID.test(input.ballotId))
		throw new DomainError('INVALID_INPUT');
	const p = openPollFor(db, input.pollId, now);
	meetingFor(db, actor, p.meetingId, 'meeting.attend');
	if (!actor.residentId) throw new DomainError('NOT_ELIGIBLE');
	const rules = rulesOf(p);
	const mustBePresent = rules.whoMayVote === 'present';
	let voter: Participant;
	let channel: BallotChannel = input.channel ?? 'phone';
	if (input.forResidentId !== undefined && input.forResidentId !== actor.residentId) {
		voterOf(db, p, actor.residentId, { mustBePresent }); // the proxy is in the room
		grantorFor(db, p.meetingId, actor.residentId, input.forResidentId);
		voter = voterOf(db, p, input.forResidentId, { mustBePresent: false });
		channel = 'proxy';
	} else voter = voterOf(db, p, actor.residentId, { mustBePresent });
	return storeBallot(
		db,
		p,
		{
			pollId: p.id,
			voter,
			channel,
			ballotId: input.ballotId,
			receipt: input.receipt,
			choices: input.choices
		},
		now
	);
}

/** 代投: staff of the resident's household record a ballot for a named present resident, with consent. */
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
) {
	const p = openPollFor(db, input.pollId, now);
	const r = db
		.select({ householdId: resident.householdId })
		.from(resident)
		.where(eq(resident.id, input.residentId))
		.get();
	if (!r) throw new DomainError('NOT_FOUND', { residentId: input.residentId });
	const a = authorize(actor, 'ballot.assist', householdScope(db, r.householdId));
	const note = input.consentNote.trim();
	if (!note || note.length > 200) throw new DomainError('INVALID_INPUT', { field: 'consentNote' });
	if (!RECEIPT_PATTERN.test(input.receipt) || !BALLOT_ID.test(input.ballotId))
		throw new DomainError('INVALID_INPUT');
	const voter = voterOf(db, p, input.residentId, { mustBePresent: true });
	return storeBallot(
		db,
		p,
		{
			pollId: p.id,
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
	const p = openPollFor(db, pollId, now);
	meetingFor(db, actor, p.meetingId, 'meeting.manage');
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
	});
}

/** 委托: a resident names another eligible resident of the meeting to vote for them. */
export function designateProxy(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	proxyResidentId: number,
	now = Date.now()
) {
	const m = meetingFor(db, actor, meetingId, 'meeting.attend');
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	const grantor = actor!.residentId;
	if (!grantor || grantor === proxyResidentId)
		throw new DomainError('INVALID_INPUT', { field: 'proxyResidentId' });
	const eligible = new Set(eligibleParticipants(db, m, m.startsAt).map((e) => e.residentId));
	if (!eligible.has(grantor) || !eligible.has(proxyResidentId)) throw new DomainError('NOT_ELIGIBLE');
	db.transaction((tx) => {
		revokeOpenDesignation(tx, m.id, grantor, now);
		tx.insert(proxy)
			.values({ meetingId: m.id, grantorResidentId: grantor, proxyResidentId, createdAt: new Date(now) })
			.run();
	});
}

/** A designation can be revoked (or replaced) until a poll opens; during a poll it stands. */
function revokeOpenDesignation(tx: Db | Tx, meetingId: number, grantor: number, now: number) {
	const open = tx
		.select({ id: poll.id })
		.from(poll)
		.where(and(eq(poll.meetingId, meetingId), eq(poll.status, 'open')))
		.get();
	const active = tx
		.select({ id: proxy.id })
		.from(proxy)
		.where(and(eq(proxy.meetingId, meetingId), eq(proxy.grantorResidentId, grantor), isNull(proxy.revokedAt)))
		.all();
	if (active.length && open) throw new DomainError('POLL_STATE', { openPollId: open.id });
	if (active.length)
		tx.update(proxy)
			.set({ revokedAt: new Date(now) })
			.where(
				inArray(
					proxy.id,
					active.map((a) => a.id)
				)
			)
			.run();
}

export function revokeProxy(db: Db, actor: Actor | null, meetingId: number, now = Date.now()) {
	const m = meetingFor(db, actor, meetingId, 'meeting.attend');
	if (!actor!.residentId) throw new DomainError('NOT_ELIGIBLE');
	db.transaction((tx) => revokeOpenDesignation(tx, m.id, actor!.residentId!, now));
}

/** For a voter's screen: the polls their unit voted in, and whom they may vote for as a proxy. */
export function voterStatus(db: Db, meetingId: number, residentId: number) {
	const m = getMeeting(db, meetingId);
	const me = eligibleParticipants(db, m, m.startsAt).find((e) => e.residentId === residentId);
	const polls = db.select().from(poll).where(eq(poll.meetingId, meetingId)).all();
	const votedPolls = me
		? polls
				.filter((p) =>
					db
						.select({ id: pollVote.id })
						.from(pollVote)
						.where(and(eq(pollVote.pollId, p.id), eq(pollVote.unitKey, unitKey(rulesOf(p), me))))
						.get()
				)
				.map((p) => p.id)
		: [];
	const proxyFor = db
		.select({ residentId: resident.id, name: resident.name })
		.from(proxy)
		.innerJoin(resident, eq(proxy.grantorResidentId, resident.id))
		.where(
			and(eq(proxy.meetingId, meetingId), eq(proxy.proxyResidentId, residentId), isNull(proxy.revokedAt))
		)
		.all();
	return { votedPolls, proxyFor };
}

/**
 * Who may still vote and has not (named polls only; a secret poll does not say), for the
 * facilitator's console: one row per voting unit, named by a resident of it.
 */
export function missingVoters(db: Db, actor: Actor | null, pollId: number) {
	const p = getPoll(db, pollId);
	const m = meetingFor(db, actor, p.meetingId, 'meeting.manage');
	const rules = rulesOf(p);
	if (rules.secret) throw new DomainError('FORBIDDEN', { reason: 'SECRET' });
	const present = presentResidents(db, m.id);
	const voted = new Set(
		db
			.select({ key: pollVote.unitKey })
			.from(pollVote)
			.where(eq(pollVote.pollId, p.id))
			.all()
			.map((v) => v.key)
	);
	const seen = new Set<string>();
	return eligibleParticipants(db, m, m.startsAt)
		.filter((e) => rules.whoMayVote === 'eligible' || present.has(e.residentId))
		.filter((e) => {
			const key = unitKey(rules, e);
			if (voted.has(key) || seen.has(key)) return false;
			seen.add(key);
			return true;
		})
		.map((e) => ({ residentId: e.residentId, name: e.name, unit: e.unit, buildingName: e.buildingName }));
}
