/**
 * Reading the points ledger: a resident's balance and history, staff standings of a building or the
 * community (and their CSV), and the 文明楼栋 ranking of buildings by participation per resident.
 * Every figure is a sum over the ledger.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db';
import { buildingScope, can, communityScope, requireMember, type Actor } from '../authz';
import { building, household, pointEntry, pointRule, resident, user } from '../db/schema';
import { DomainError } from './errors';
import { ensurePointRules } from './points-rules';
import { pointsBalance, pointsYear } from './points';

export type LedgerLine = {
	id: number;
	amount: number;
	reason: string;
	/** The rule's kind, `redeem` for a redemption. */
	kind: string;
	label: string | null;
	sourceType: string;
	sourceId: number | null;
	note: string | null;
	recordedBy: string | null;
	createdAt: Date;
	/** The entry that reversed this one, if any. */
	reversedById: number | null;
};

function ledgerOf(db: Db, residentId: number, limit: number): LedgerLine[] {
	const rev = alias(pointEntry, 'rev');
	return db
		.select({
			id: pointEntry.id,
			amount: pointEntry.amount,
			reason: pointEntry.reason,
			kind: sql<string>`coalesce(${pointRule.kind}, ${pointEntry.reason})`,
			label: pointRule.label,
			sourceType: pointEntry.sourceType,
			sourceId: pointEntry.sourceId,
			note: pointEntry.note,
			recordedBy: user.displayName,
			createdAt: pointEntry.createdAt,
			reversedById: rev.id
		})
		.from(pointEntry)
		.leftJoin(pointRule, eq(pointEntry.ruleId, pointRule.id))
		.leftJoin(user, eq(pointEntry.recordedByUserId, user.id))
		.leftJoin(rev, and(eq(rev.sourceType, 'reversal'), eq(rev.sourceId, pointEntry.id)))
		.where(eq(pointEntry.residentId, residentId))
		.orderBy(desc(pointEntry.id))
		.limit(limit)
		.all();
}

/** A resident's own balance and latest entries (their phone's 我的积分). */
export function myPoints(db: Db, actor: Actor | null, now = Date.now()) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	if (!actor.residentId) throw new DomainError('NOT_ELIGIBLE');
	const year = pointsYear(now);
	return {
		balance: pointsBalance(db, actor.residentId),
		year,
		history: ledgerOf(db, actor.residentId, 200)
	};
}

/** The buildings whose standings this actor may see; `community` when they may see all of them. */
export function standingsReach(db: Db, actor: Actor | null): { community: boolean; buildingIds: number[] } {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const all = db
		.select({ id: building.id })
		.from(building)
		.where(eq(building.communityId, actor.communityId))
		.orderBy(asc(building.name))
		.all()
		.map((b) => b.id);
	if (can(actor, 'points.record', communityScope(actor.communityId)))
		return { community: true, buildingIds: all };
	const mine = all.filter((id) => can(actor, 'points.record', buildingScope(db, id)));
	if (!mine.length) throw new DomainError('FORBIDDEN', { action: 'points.record' });
	return { community: false, buildingIds: mine };
}

export type StandingRow = {
	residentId: number;
	name: string;
	buildingId: number;
	building: string;
	unit: string;
	balance: number;
	/** This year: base, participation and volunteer points (net of reversals). */
	earned: number;
	/** This year: deductions of the negative list, as a positive number. */
	deducted: number;
	/** This year: points redeemed for goods, as a positive number. */
	redeemed: number;
};

/** Per resident of a building (or of every building the actor reaches), ordered by balance. */
export function pointsStandings(
	db: Db,
	actor: Actor | null,
	filter: { buildingId?: number | null } = {},
	now = Date.now()
): { year: number; rows: StandingRow[] } {
	const reach = standingsReach(db, actor);
	if (filter.buildingId && !reach.buildingIds.includes(filter.buildingId))
		throw new DomainError(reach.community ? 'NOT_FOUND' : 'FORBIDDEN');
	const ids = filter.buildingId ? [filter.buildingId] : reach.buildingIds;
	const year = pointsYear(now);
	const kind = sql`coalesce(${pointRule.kind}, ${pointEntry.reason})`;
	const thisYear = sql`${pointEntry.year} = ${year}`;
	const rows = db
		.select({
			residentId: resident.id,
			name: resident.name,
			buildingId: building.id,
			building: building.name,
			unit: household.unit,
			balance: sql<number>`coalesce(sum(${pointEntry.amount}), 0)`,
			earned: sql<number>`coalesce(sum(case when ${thisYear} and ${kind} in ('base','participation','volunteer') then ${pointEntry.amount} end), 0)`,
			deducted: sql<number>`coalesce(-sum(case when ${thisYear} and ${kind} = 'negative' then ${pointEntry.amount} end), 0)`,
			redeemed: sql<number>`coalesce(-sum(case when ${thisYear} and ${kind} = 'redeem' then ${pointEntry.amount} end), 0)`
		})
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.leftJoin(pointEntry, eq(pointEntry.residentId, resident.id))
		.leftJoin(pointRule, eq(pointEntry.ruleId, pointRule.id))
		.where(eq(building.communityId, actor!.communityId))
		.groupBy(resident.id)
		.all()
		.filter((r) => ids.includes(r.buildingId))
		.sort(
			(a, b) =>
				b.balance - a.balance ||
				a.building.localeCompare(b.building, 'zh') ||
				a.unit.localeCompare(b.unit, 'zh')
		);
	return { year, rows };
}

/** One resident's ledger for staff who may record points for them. */
export function residentLedger(db: Db, actor: Actor | null, residentId: number) {
	const reach = standingsReach(db, actor);
	const r = db
		.select({ name: resident.name, buildingId: building.id, communityId: building.communityId })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(eq(resident.id, residentId))
		.get();
	if (!r || r.communityId !== actor!.communityId || !reach.buildingIds.includes(r.buildingId))
		throw new DomainError('NOT_FOUND');
	return { name: r.name, balance: pointsBalance(db, residentId), history: ledgerOf(db, residentId, 500) };
}

export type BuildingRank = {
	buildingId: number;
	building: string;
	residents: number;
	/** This year's participation, volunteer work less the negative list; base and redemptions left out. */
	points: number;
	/** Points per resident, to one decimal: a big building does not win by size. */
	perResident: number;
	rank: number;
};

/**
 * 文明楼栋: buildings ranked by this year's participation per resident. Every member of the community
 * may see it; it names buildings, never residents.
 */
export function buildingRanking(
	db: Db,
	actor: Actor | null,
	now = Date.now()
): { year: number; rows: BuildingRank[] } {
	const a = requireMember(actor, actor?.communityId ?? -1);
	ensurePointRules(db, a.communityId);
	const year = pointsYear(now);
	const residents = db
		.select({ buildingId: building.id, name: building.name, n: sql<number>`count(${resident.id})` })
		.from(building)
		.leftJoin(household, eq(household.buildingId, building.id))
		.leftJoin(resident, eq(resident.householdId, household.id))
		.where(eq(building.communityId, a.communityId))
		.groupBy(building.id)
		.all();
	const points = new Map(
		db
			.select({ buildingId: building.id, n: sql<number>`coalesce(sum(${pointEntry.amount}), 0)` })
			.from(pointEntry)
			.innerJoin(pointRule, eq(pointEntry.ruleId, pointRule.id))
			.innerJoin(resident, eq(pointEntry.residentId, resident.id))
			.innerJoin(household, eq(resident.householdId, household.id))
			.innerJoin(building, eq(household.buildingId, building.id))
			.where(
				and(
					eq(pointEntry.communityId, a.communityId),
					eq(pointEntry.year, year),
					sql`${pointRule.kind} in ('participation','volunteer','negative')`
				)
			)
			.groupBy(building.id)
			.all()
			.map((r) => [r.buildingId, r.n])
	);
	const rows = residents
		.map((b) => {
			const p = points.get(b.buildingId) ?? 0;
			return {
				buildingId: b.buildingId,
				building: b.name,
				residents: b.n,
				points: p,
				perResident: b.n ? Math.round((p * 10) / b.n) / 10 : 0,
				rank: 0
			};
		})
		.sort((x, y) => y.perResident - x.perResident || x.building.localeCompare(y.building, 'zh'));
	// Equal scores share a rank (1, 2, 2, 4).
	rows.forEach(
		(r, i) => (r.rank = i > 0 && rows[i - 1].perResident === r.perResident ? rows[i - 1].rank : i + 1)
	);
	return { year, rows };
}
