/**
 * Arithmetic of the dashboard (统计), shared by the server that computes the figures and the pages that
 * show them: China-time calendar months, exact medians and rates. Pure functions; the clock is passed in.
 */

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The calendar month (YYYY-MM) of a moment in China (UTC+8), where the council counts its months. */
export function chinaMonth(at: number): string {
	return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** The first millisecond of a China month (YYYY-MM), as UTC epoch milliseconds. */
export function monthStart(month: string): number {
	const [y, m] = month.split('-').map(Number);
	return Date.UTC(y, m - 1, 1) - CHINA_OFFSET_MS;
}

/** The first millisecond of the month after. */
export function monthEnd(month: string): number {
	const [y, m] = month.split('-').map(Number);
	return Date.UTC(y, m, 1) - CHINA_OFFSET_MS;
}

/** The last `count` China months up to and including the one `now` is in, oldest first. */
export function lastMonths(now: number, count = 12): string[] {
	const [y, m] = chinaMonth(now).split('-').map(Number);
	const months: string[] = [];
	for (let i = count - 1; i >= 0; i--) {
		const d = new Date(Date.UTC(y, m - 1 - i, 1));
		months.push(d.toISOString().slice(0, 7));
	}
	return months;
}

/** Elapsed days between two moments, unrounded (rounding happens only when shown). */
export const daysBetween = (from: number, to: number) => (to - from) / DAY_MS;

/**
 * The exact median: the middle value, or the mean of the two middle values of an even count; null
 * when there is nothing to take the median of (an empty month is "no data", not zero days).
 */
export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export type GradeCounts = { satisfied: number; basic: number; unsatisfied: number };

/**
 * The satisfaction rate (满意率) as residents' councils report it: 满意 and 基本满意 over all ratings,
 * the same share `ratingOutcome` uses to close an item. Null when nobody rated.
 */
export function satisfactionRate(c: GradeCounts): number | null {
	const total = c.satisfied + c.basic + c.unsatisfied;
	return total ? (c.satisfied + c.basic) / total : null;
}

/** A share as a whole percentage for display, or null kept as null. */
export const percent = (share: number | null) => (share === null ? null : Math.round(share * 100));

/** Days for display: one decimal, so 2.5 stays 2.5 while 2.4999… reads 2.5 too. */
export const shownDays = (days: number | null) => (days === null ? null : Math.round(days * 10) / 10);

export type MonthFigures = {
	month: string;
	received: number;
	resolved: number;
	medianDaysToResolution: number | null;
	medianDaysToDone: number | null;
	ratings: GradeCounts;
	/** Overdue items (follow-ups and dispatches) at the end of the month, or now for this month. */
	overdue: number;
};

/** Overdue per department; the row with a null department counts follow-ups owned by a person. */
export type DepartmentOverdue = {
	departmentId: number | null;
	name: string | null;
	followUps: number;
	dispatches: number;
	/** Overdue at each month's end, in the order of `months`. */
	byMonth: number[];
};

export type MeetingParticipation = {
	meetingId: number;
	title: string;
	startsAt: number;
	present: number;
	eligible: number;
	votingUnit: 'household' | 'resident';
};

export type DashboardFigures = {
	months: MonthFigures[];
	totals: Omit<MonthFigures, 'month'>;
	departments: DepartmentOverdue[];
	meetings: MeetingParticipation[];
};
