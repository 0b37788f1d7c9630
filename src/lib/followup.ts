/**
 * Rules of follow-up (跟踪 · 评议) shared by server and screens: when an item is overdue, and whether a
 * finished rating round closes the item or reopens it. Pure functions: the clock is passed in.
 */
export type FollowUpStatus = 'notStarted' | 'inProgress' | 'done' | 'reopened' | 'closed';
export type RatingGrade = 'satisfied' | 'basic' | 'unsatisfied';

/** How long residents may rate a finished item, and the share that must be satisfied (满意 or 基本满意). */
export const RATING_DAYS = 7;
export const SATISFIED_SHARE = { num: 3, den: 5 } as const;

/** Today's date in China (UTC+8) as YYYY-MM-DD: due dates are calendar days where the council sits. */
export function chinaDate(now: number): string {
	return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Overdue is computed, never typed: not yet done (or reopened) and past its due day. An item is due at
 * the end of its due day, so on the day itself it is not yet overdue.
 */
export function isOverdue(f: { status: FollowUpStatus; dueOn: string | null }, now: number): boolean {
	if (!f.dueOn || f.status === 'done' || f.status === 'closed') return false;
	return chinaDate(now) > f.dueOn;
}

/** The status residents see: overdue replaces not started / in progress / reopened once the day has passed. */
export const shownStatus = (f: { status: FollowUpStatus; dueOn: string | null }, now: number) =>
	isOverdue(f, now) ? ('overdue' as const) : f.status;

export type RatingCounts = Record<RatingGrade, number>;

/**
 * At the end of a rating round: closed when at least the set share of ratings are 满意 or 基本满意,
 * reopened otherwise. A round nobody rated reopens too: nobody has said the work was done well.
 */
export function ratingOutcome(c: RatingCounts): 'closed' | 'reopened' {
	const total = c.satisfied + c.basic + c.unsatisfied;
	const ok = c.satisfied + c.basic;
	return total > 0 && ok * SATISFIED_SHARE.den >= total * SATISFIED_SHARE.num ? 'closed' : 'reopened';
}
