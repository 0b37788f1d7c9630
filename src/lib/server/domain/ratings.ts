/**
 * 评议: once an owner marks a follow-up done, the residents of its scope rate the work, once each, for
 * RATING_DAYS days. When the round ends the item closes if enough are satisfied (满意 or 基本满意,
 * src/lib/followup.ts) and reopens otherwise, with the round's comments shown on it.
 */
import { and, asc, eq, lte } from 'drizzle-orm';
import { ratingOutcome, type RatingCounts, type RatingGrade } from '$lib/followup';
import type { Db } from '../db';
import type { Actor } from '../authz';
import { followUp, rating, resident } from '../db/schema';
import { DomainError } from './errors';
import { eligibleParticipants } from './eligibility';
import { getFollowUp, meetingOfResolution } from './follow-ups';
import { awardParticipation } from './points';

const GRADES: readonly RatingGrade[] = ['satisfied', 'basic', 'unsatisfied'];

/** A resident of the follow-up's scope rates the current round, once; the first rating earns 积分. */
export function rateFollowUp(
	db: Db,
	actor: Actor | null,
	input: Parameters<typeof storeRating>[2],
	now = Date.now()
) {
	db.transaction((tx) => {
		storeRating(db, actor, input, now);
		const e = { residentId: actor!.residentId!, sourceId: input.followUpId } as const;
		awardParticipation(tx, { ...e, code: 'rate', sourceType: 'followUp' }, now);
	});
}

function storeRating(
	db: Db,
	actor: Actor | null,
	input: { followUpId: number; grade: string; comment?: string | null },
	now = Date.now()
) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const f = getFollowUp(db, input.followUpId);
	if (f.status !== 'done' || !f.ratingClosesAt || f.ratingClosesAt.getTime() <= now)
		throw new DomainError('RATING_CLOSED');
	if (!GRADES.includes(input.grade as RatingGrade))
		throw new DomainError('INVALID_INPUT', { field: 'grade' });
	const comment = input.comment?.trim() || null;
	if (comment && comment.length > 500) throw new DomainError('INVALID_INPUT', { field: 'comment' });
	const m = meetingOfResolution(db, f.resolutionId);
	const inScope = eligibleParticipants(db, m, new Date(now)).some((p) => p.residentId === actor.residentId);
	if (!actor.residentId || !inScope) throw new DomainError('NOT_ELIGIBLE');
	const inserted = db
		.insert(rating)
		.values({
			followUpId: f.id,
			round: f.round,
			residentId: actor.residentId,
			grade: input.grade as RatingGrade,
			comment,
			createdAt: new Date(now)
		})
		.onConflictDoNothing()
		.run();
	if (inserted.changes === 0) throw new DomainError('ALREADY_RATED');
}

/** Counts per grade of one round. */
export function ratingCounts(db: Db, followUpId: number, round: number): RatingCounts {
	const counts: RatingCounts = { satisfied: 0, basic: 0, unsatisfied: 0 };
	const rows = db
		.select({ grade: rating.grade })
		.from(rating)
		.where(and(eq(rating.followUpId, followUpId), eq(rating.round, round)))
		.all();
	for (const r of rows) counts[r.grade]++;
	return counts;
}

/** The comments of a round, with their grade and author (shown when the item reopens). */
export function ratingComments(db: Db, followUpId: number, round: number) {
	return db
		.select({
			grade: rating.grade,
			comment: rating.comment,
			name: resident.name,
			createdAt: rating.createdAt
		})
		.from(rating)
		.innerJoin(resident, eq(rating.residentId, resident.id))
		.where(and(eq(rating.followUpId, followUpId), eq(rating.round, round)))
		.orderBy(asc(rating.id))
		.all()
		.filter((r) => r.comment);
}

/** Whether this resident has rated the current round. */
export function hasRated(db: Db, followUpId: number, round: number, residentId: number) {
	return !!db
		.select({ id: rating.id })
		.from(rating)
		.where(and(eq(rating.followUpId, followUpId), eq(rating.round, round), eq(rating.residentId, residentId)))
		.get();
}

/** Ends every rating round whose time is up: closed or reopened by the rule. Returns what changed. */
export function closeDueRatings(db: Db, now = Date.now()) {
	const due = db
		.select()
		.from(followUp)
		.where(and(eq(followUp.status, 'done'), lte(followUp.ratingClosesAt, new Date(now))))
		.all();
	return due.map((f) => {
		const outcome = ratingOutcome(ratingCounts(db, f.id, f.round));
		db.update(followUp)
			.set(outcome === 'closed' ? { status: 'closed', closedAt: new Date(now) } : { status: 'reopened' })
			// Only a round still open: a concurrent sweep must not close it twice.
			.where(and(eq(followUp.id, f.id), eq(followUp.status, 'done')))
			.run();
		return { followUpId: f.id, outcome };
	});
}
