/**
 * The points ledger (积分台账). Nothing is ever updated or deleted (triggers refuse it); a balance is
 * the sum of a resident's entries. Taking part is paid by the domain events themselves, inside their
 * own transaction and exactly once (a unique index on resident, reason and source); staff record
 * volunteer work, the negative list and redemptions; a correction is a reversing entry.
 */
import { and, eq, sql } from 'drizzle-orm';
import { chinaDate } from '$lib/followup';
import type { Db, Tx } from '../db';
import { authorize, communityScope, householdScope, type Actor } from '../authz';
import {
	building,
	household,
	pointEntry,
	proposal,
	resident,
	type ParticipationCode,
	type PointSourceType
} from '../db/schema';
import { DomainError } from './errors';
import { ensurePointRules, MAX_POINTS, ruleByCode } from './points-rules';

/** The China-time calendar year a moment falls in: caps and standings count by it. */
export function pointsYear(now: number): number {
	return Number(chinaDate(now).slice(0, 4));
}

function residentHome(db: Db | Tx, residentId: number) {
	return db
		.select({ communityId: building.communityId, householdId: resident.householdId })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(eq(resident.id, residentId))
		.get();
}

/** The resident's balance: the sum of every entry, never a stored counter. */
export function pointsBalance(db: Db | Tx, residentId: number): number {
	return (
		db
			.select({ n: sql<number>`coalesce(sum(${pointEntry.amount}), 0)` })
			.from(pointEntry)
			.where(eq(pointEntry.residentId, residentId))
			.get()?.n ?? 0
	);
}

/** What a resident has earned by one reason in a year, net of reversals (for the yearly cap). */
function earnedThisYear(db: Db | Tx, residentId: number, reason: string, year: number): number {
	return (
		db
			.select({ n: sql<number>`coalesce(sum(${pointEntry.amount}), 0)` })
			.from(pointEntry)
			.where(
				and(eq(pointEntry.residentId, residentId), eq(pointEntry.reason, reason), eq(pointEntry.year, year))
			)
			.get()?.n ?? 0
	);
}

/** How much of `amount` still fits under the rule's cap this year (0 when the cap is reached). */
export function underCap(amount: number, cap: number | null, earned: number): number {
	if (cap === null) return amount;
	return Math.max(0, Math.min(amount, cap - earned));
}

/**
 * Pays a resident for taking part, from inside the event's own transaction. Nothing happens when the
 * rule is off, the yearly cap is reached, or this event already paid (the retried ballot, the second
 * check-in). A capped rule pays only what still fits. Returns the points written.
 */
export function awardParticipation(
	tx: Db | Tx,
	e: { residentId: number; code: ParticipationCode; sourceType: PointSourceType; sourceId: number },
	now = Date.now()
): number {
	const home = residentHome(tx, e.residentId);
	if (!home) return 0;
	const rule = ruleByCode(tx, home.communityId, e.code);
	if (!rule || !rule.active || rule.amount <= 0) return 0;
	const year = pointsYear(now);
	const amount = underCap(rule.amount, rule.yearlyCap, earnedThisYear(tx, e.residentId, e.code, year));
	if (amount <= 0) return 0;
	const written = tx
		.insert(pointEntry)
		.values({
			communityId: home.communityId,
			residentId: e.residentId,
			amount,
			reason: e.code,
			ruleId: rule.id,
			sourceType: e.sourceType,
			sourceId: e.sourceId,
			year,
			createdAt: new Date(now)
		})
		.onConflictDoNothing()
		.run();
	return written.changes ? amount : 0;
}

/** The threshold a proposal's seconds must reach before its proposer earns (see the rule). */
export function secondsThreshold(tx: Db | Tx, communityId: number): number | null {
	const rule = ruleByCode(tx, communityId, 'proposalSeconded');
	return rule?.active ? (rule.threshold ?? 1) : null;
}

function requireRecorder(db: Db, actor: Actor | null, residentId: number) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const home = residentHome(db, residentId);
	if (!home || home.communityId !== actor.communityId) throw new DomainError('NOT_FOUND', { residentId });
	const a = authorize(actor, 'points.record', householdScope(db, home.householdId));
	return { actor: a, communityId: home.communityId };
}

function cleanNote(note: string | null | undefined, max: number, required = false): string | null {
	const n = note?.trim() || null;
	if ((required && !n) || (n && n.length > max)) throw new DomainError('INVALID_INPUT', { field: 'note' });
	return n;
}

/**
 * Staff record volunteer work (志愿服务) or an item of the negative list (负面清单) for a resident of
 * their scope. The reason must be a listed, active rule; the amount is the rule's unless staff give a
 * smaller or larger one within MAX_POINTS (a volunteer's amount still stops at the yearly cap).
 */
export function recordPointEntry(
	db: Db,
	actor: Actor | null,
	input: {
		residentId: number;
		ruleId: number;
		amount?: number | null;
		note?: string | null;
		requestKey?: string | null;
	},
	now = Date.now()
): number {
	const { actor: a, communityId } = requireRecorder(db, actor, input.residentId);
	const rule = ensurePointRules(db, communityId).find((r) => r.id === input.ruleId);
	if (!rule || !rule.active || (rule.kind !== 'volunteer' && rule.kind !== 'negative'))
		throw new DomainError('POINTS_REASON_UNLISTED');
	const given = input.amount ?? rule.amount;
	if (!Number.isInteger(given) || given < 1 || given > MAX_POINTS)
		throw new DomainError('INVALID_INPUT', { field: 'amount' });
	const note = cleanNote(input.note, 200);
	const year = pointsYear(now);
	return db.transaction((tx) => {
		const prior = priorEntry(tx, input.requestKey, input.residentId);
		if (prior) return prior;
		let amount = -given;
		if (rule.kind === 'volunteer') {
			amount = underCap(given, rule.yearlyCap, earnedThisYear(tx, input.residentId, rule.code, year));
			if (amount <= 0) throw new DomainError('POINTS_CAP_REACHED', { cap: rule.yearlyCap });
		}
		return tx
			.insert(pointEntry)
			.values({
				communityId,
				residentId: input.residentId,
				amount,
				reason: rule.code,
				ruleId: rule.id,
				sourceType: 'staff',
				year,
				note,
				requestKey: input.requestKey ?? null,
				recordedByUserId: a.userId,
				createdAt: new Date(now)
			})
			.returning({ id: pointEntry.id })
			.get().id;
	});
}

const REQUEST_KEY = /^[A-Za-z0-9-]{16,64}$/;

/**
 * The entry a staff form already wrote under this key (a double click, a resent form): returned
 * instead of booking again. A key seen for another resident is refused.
 */
function priorEntry(tx: Tx, key: string | null | undefined, residentId: number): number | null {
	if (key === null || key === undefined) return null;
	if (!REQUEST_KEY.test(key)) throw new DomainError('INVALID_INPUT', { field: 'requestKey' });
	const e = tx
		.select({ id: pointEntry.id, residentId: pointEntry.residentId })
		.from(pointEntry)
		.where(eq(pointEntry.requestKey, key))
		.get();
	if (e && e.residentId !== residentId) throw new DomainError('INVALID_INPUT', { field: 'requestKey' });
	return e?.id ?? null;
}

/** 积分兑换: staff hand over goods for points; the balance is checked in the same transaction. */
export function redeemPoints(
	db: Db,
	actor: Actor | null,
	input: { residentId: number; points: number; goods: string; requestKey?: string | null },
	now = Date.now()
): number {
	const { actor: a, communityId } = requireRecorder(db, actor, input.residentId);
	if (!Number.isInteger(input.points) || input.points < 1 || input.points > MAX_POINTS)
		throw new DomainError('INVALID_INPUT', { field: 'points' });
	const goods = cleanNote(input.goods, 100, true);
	return db.transaction((tx) => {
		const prior = priorEntry(tx, input.requestKey, input.residentId);
		if (prior) return prior;
		const balance = pointsBalance(tx, input.residentId);
		if (balance < input.points) throw new DomainError('POINTS_INSUFFICIENT', { balance });
		return tx
			.insert(pointEntry)
			.values({
				communityId,
				residentId: input.residentId,
				amount: -input.points,
				reason: 'redeem',
				sourceType: 'staff',
				year: pointsYear(now),
				note: goods,
				requestKey: input.requestKey ?? null,
				recordedByUserId: a.userId,
				createdAt: new Date(now)
			})
			.returning({ id: pointEntry.id })
			.get().id;
	});
}

/**
 * A correction (更正): a new entry of the opposite amount that names the one it reverses. An entry is
 * reversed at most once (the unique index), and a reversal is never itself reversed. It may leave a
 * balance below zero when the points were already spent: the ledger says what happened.
 */
export function reversePointEntry(
	db: Db,
	actor: Actor | null,
	input: { entryId: number; note: string },
	now = Date.now()
): number {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const a = authorize(actor, 'points.manage', communityScope(actor.communityId));
	const note = cleanNote(input.note, 200, true);
	return db.transaction((tx) => {
		const e = tx.select().from(pointEntry).where(eq(pointEntry.id, input.entryId)).get();
		if (!e || e.communityId !== a.communityId) throw new DomainError('NOT_FOUND');
		if (e.sourceType === 'reversal') throw new DomainError('INVALID_INPUT', { field: 'entryId' });
		const inserted = tx
			.insert(pointEntry)
			.values({
				communityId: e.communityId,
				residentId: e.residentId,
				amount: -e.amount,
				reason: e.reason,
				ruleId: e.ruleId,
				sourceType: 'reversal',
				sourceId: e.id,
				// It counts in the year of what it corrects, so the caps of that year stay right.
				year: e.year,
				note,
				recordedByUserId: a.userId,
				createdAt: new Date(now)
			})
			.onConflictDoNothing()
			.returning({ id: pointEntry.id })
			.all();
		if (!inserted.length) throw new DomainError('POINTS_ALREADY_REVERSED');
		return inserted[0].id;
	});
}

/**
 * 基础分: every resident of the community gets the year's base points once (running it again pays
 * only residents added since). Returns how many residents were paid.
 */
export function grantBasePoints(db: Db, actor: Actor | null, now = Date.now()): number {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const a = authorize(actor, 'points.manage', communityScope(actor.communityId));
	return grantBaseFor(db, a.communityId, a.userId, now);
}

/** The base grant without a person behind it (the demo seed). */
export function grantBaseFor(db: Db, communityId: number, by: number | null, now = Date.now()): number {
	const rule = ruleByCode(db, communityId, 'base');
	if (!rule || !rule.active || rule.amount <= 0) return 0;
	const year = pointsYear(now);
	const ids = db
		.select({ id: resident.id })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(eq(building.communityId, communityId))
		.all();
	return db.transaction((tx) => {
		let paid = 0;
		for (const { id } of ids)
			paid += tx
				.insert(pointEntry)
				.values({
					communityId,
					residentId: id,
					amount: rule.amount,
					reason: 'base',
					ruleId: rule.id,
					sourceType: 'year',
					sourceId: year,
					year,
					recordedByUserId: by,
					createdAt: new Date(now)
				})
				.onConflictDoNothing()
				.run().changes;
		return paid;
	});
}

/** 附议 reached the rule's threshold: the proposer (not staff who filed it for them) earns, once. */
export function awardSeconded(
	tx: Db | Tx,
	p: { id: number; communityId: number; proposerResidentId: number | null },
	seconds: number,
	now = Date.now()
) {
	if (!p.proposerResidentId) return;
	const threshold = secondsThreshold(tx, p.communityId);
	if (threshold === null || seconds < threshold) return;
	awardParticipation(
		tx,
		{ residentId: p.proposerResidentId, code: 'proposalSeconded', sourceType: 'proposal', sourceId: p.id },
		now
	);
}

/** A passed resolution answered a proposal: its proposer earns, once. */
export function awardResolved(tx: Db | Tx, proposalId: number | null, now = Date.now()) {
	if (!proposalId) return;
	const p = tx
		.select({ proposer: proposal.proposerResidentId })
		.from(proposal)
		.where(eq(proposal.id, proposalId))
		.get();
	if (!p?.proposer) return;
	awardParticipation(
		tx,
		{ residentId: p.proposer, code: 'proposalResolved', sourceType: 'proposal', sourceId: proposalId },
		now
	);
}
