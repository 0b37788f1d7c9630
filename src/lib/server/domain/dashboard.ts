/**
 * The dashboard (统计): for the community or one building, month by month over the last twelve China
 * months: proposals received and resolved, median days from proposal to resolution and to done,
 * satisfaction, overdue items per department, and participation per meeting.
 */
import { and, asc, eq, gte, isNotNull, lte } from 'drizzle-orm';
import {
	chinaMonth,
	daysBetween,
	lastMonths,
	median,
	monthEnd,
	monthStart,
	type DashboardFigures,
	type DepartmentOverdue,
	type GradeCounts,
	type MonthFigures
} from '$lib/dashboard';
import { isOverdue } from '$lib/followup';
import type { Db } from '../db';
import { authorize, buildingScope, can, communityScope, type Actor } from '../authz';
import { attendance, building, department, estate, meeting, type FollowUpStatus } from '../db/schema';
import { DomainError } from './errors';
import { countUnits, eligibleParticipants } from './eligibility';
import { loadDashboardRows, type DispatchRow, type FollowUpRow } from './dashboard-rows';

/** At most this many meetings are listed, the latest: a chart of more would not be read. */
const MEETING_LIMIT = 60;

/**
 * A follow-up's status at moment `t`, replayed from its timeline. Overdue is computed, never stored
 * (see $lib/followup), so the past has to be replayed the same way to count it month by month.
 */
function statusAt(f: FollowUpRow, t: number, now: number): FollowUpStatus | null {
	if (f.createdAt > t) return null;
	if (t >= now) return f.status;
	if (f.closedAt !== null && f.closedAt <= t) return 'closed';
	let s: FollowUpStatus = 'notStarted';
	for (const e of f.timeline) {
		if (e.at > t) break;
		s = e.status;
	}
	return s;
}

const followUpOverdueAt = (f: FollowUpRow, t: number, now: number) => {
	const status = statusAt(f, t, now);
	return status !== null && isOverdue({ status, dueOn: f.dueOn }, t);
};

/** A dispatch is overdue past its deadline until it is handled (one handled without a time stays handled). */
const dispatchOverdueAt = (d: DispatchRow, t: number) =>
	d.createdAt <= t && d.deadline < t && !(d.handledAt !== null ? d.handledAt <= t : d.handled);

/** When a finished follow-up was last marked done (its last 'done' report, else when it closed). */
function doneAt(f: FollowUpRow): number | null {
	if (f.status !== 'done' && f.status !== 'closed') return null;
	const done = f.timeline.filter((e) => e.status === 'done').at(-1);
	return done?.at ?? f.closedAt;
}

const noGrades = (): GradeCounts => ({ satisfied: 0, basic: 0, unsatisfied: 0 });

/** The figures for a community, or for one of its buildings; no authorization (see `dashboardFor`). */
export function dashboardFigures(
	db: Db,
	communityId: number,
	buildingId: number | null,
	now = Date.now()
): DashboardFigures {
	const months = lastMonths(now, 12);
	const since = monthStart(months[0]);
	const rows = loadDashboardRows(db, communityId, since);
	const here = <T extends { buildingId: number | null }>(list: T[]) =>
		buildingId === null ? list : list.filter((r) => r.buildingId === buildingId);
	const proposals = here(rows.proposals);
	const followUps = here(rows.followUps);
	const dispatches = here(rows.dispatches);
	const inWindow = (at: number | null): at is number => at !== null && at >= since && at <= now;
	// Each month's figures, and the whole window's, collected by the same code.
	const buckets = new Map(months.map((m) => [m, { toResolution: [] as number[], toDone: [] as number[] }]));
	const all = { toResolution: [] as number[], toDone: [] as number[] };
	const tally = (list: 'toResolution' | 'toDone', at: number, days: number) => {
		buckets.get(chinaMonth(at))![list].push(days);
		all[list].push(days);
	};
	for (const p of proposals)
		if (inWindow(p.resolvedAt)) tally('toResolution', p.resolvedAt, daysBetween(p.createdAt, p.resolvedAt));
	for (const f of followUps) {
		const at = doneAt(f);
		if (inWindow(at) && f.proposedAt !== null) tally('toDone', at, daysBetween(f.proposedAt, at));
	}
	const monthEndAt = (m: string) => Math.min(monthEnd(m) - 1, now);
	const overdueAt = (t: number) =>
		followUps.filter((f) => followUpOverdueAt(f, t, now)).length +
		dispatches.filter((d) => dispatchOverdueAt(d, t)).length;

	const monthly: MonthFigures[] = months.map((month) => {
		const inMonth = (at: number | null) => at !== null && chinaMonth(at) === month && at <= now;
		const ratings = noGrades();
		for (const r of here(rows.ratings)) if (inMonth(r.at)) ratings[r.grade]++;
		return {
			month,
			received: proposals.filter((p) => inMonth(p.createdAt)).length,
			resolved: proposals.filter((p) => inMonth(p.resolvedAt)).length,
			medianDaysToResolution: median(buckets.get(month)!.toResolution),
			medianDaysToDone: median(buckets.get(month)!.toDone),
			ratings,
			overdue: overdueAt(monthEndAt(month))
		};
	});
	const ratings = noGrades();
	for (const m of monthly)
		for (const g of Object.keys(ratings) as Array<keyof GradeCounts>) ratings[g] += m.ratings[g];
	return {
		months: monthly,
		totals: {
			received: proposals.filter((p) => inWindow(p.createdAt)).length,
			resolved: proposals.filter((p) => inWindow(p.resolvedAt)).length,
			medianDaysToResolution: median(all.toResolution),
			medianDaysToDone: median(all.toDone),
			ratings,
			overdue: overdueAt(now)
		},
		departments: departmentsOverdue(db, communityId, months, followUps, dispatches, monthEndAt, now),
		meetings: participation(db, communityId, buildingId, since, now)
	};
}

/** Overdue per department now and at each month's end; follow-ups owned by a person make one row of their own. */
function departmentsOverdue(
	db: Db,
	communityId: number,
	months: string[],
	followUps: FollowUpRow[],
	dispatches: DispatchRow[],
	monthEndAt: (m: string) => number,
	now: number
): DepartmentOverdue[] {
	const depts: Array<{ id: number | null; name: string | null }> = db
		.select({ id: department.id, name: department.name })
		.from(department)
		.where(eq(department.communityId, communityId))
		.orderBy(asc(department.name))
		.all();
	depts.push({ id: null, name: null });
	return depts
		.map((d) => {
			const f = followUps.filter((x) => x.departmentId === d.id);
			const ds = dispatches.filter((x) => x.departmentId === d.id);
			const at = (t: number) =>
				f.filter((x) => followUpOverdueAt(x, t, now)).length +
				ds.filter((x) => dispatchOverdueAt(x, t)).length;
			return {
				departmentId: d.id,
				name: d.name,
				followUps: f.filter((x) => followUpOverdueAt(x, now, now)).length,
				dispatches: ds.filter((x) => dispatchOverdueAt(x, now)).length,
				byMonth: months.map((m) => at(monthEndAt(m)))
			};
		})
		.filter((d) => d.departmentId !== null || d.byMonth.some((n) => n > 0));
}

/**
 * Attendance of the meetings held in the window (for a building: the meetings held for it), counted
 * by each meeting's voting unit against the adults of its scope, as the meeting's quorum is.
 */
function participation(db: Db, communityId: number, buildingId: number | null, since: number, now: number) {
	const held = db
		.select()
		.from(meeting)
		.where(
			and(
				eq(meeting.communityId, communityId),
				isNotNull(meeting.openedAt),
				gte(meeting.startsAt, new Date(since)),
				lte(meeting.startsAt, new Date(now)),
				...(buildingId === null ? [] : [eq(meeting.scopeType, 'building'), eq(meeting.scopeId, buildingId)])
			)
		)
		.orderBy(asc(meeting.startsAt), asc(meeting.id))
		.all()
		.slice(-MEETING_LIMIT);
	return held.map((m) => {
		const eligible = eligibleParticipants(db, m, m.startsAt);
		const ids = new Set(eligible.map((p) => p.residentId));
		const present = db
			.select({ residentId: attendance.residentId, householdId: attendance.householdId })
			.from(attendance)
			.where(and(eq(attendance.meetingId, m.id), eq(attendance.present, true)))
			.all()
			.filter((p) => ids.has(p.residentId));
		return {
			meetingId: m.id,
			title: m.title,
			startsAt: m.startsAt.getTime(),
			present: countUnits(present, m.votingUnit),
			eligible: countUnits(eligible, m.votingUnit),
			votingUnit: m.votingUnit
		};
	});
}

/** The places whose dashboard the actor may see: the community (if allowed) and buildings. */
export function dashboardPlaces(db: Db, actor: Actor | null) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const buildings = db
		.select({ id: building.id, name: building.name, estateName: estate.name })
		.from(building)
		.leftJoin(estate, eq(building.estateId, estate.id))
		.where(eq(building.communityId, actor.communityId))
		.orderBy(asc(estate.name), asc(building.name))
		.all()
		.filter((b) => can(actor, 'dashboard.view', buildingScope(db, b.id)));
	return { community: can(actor, 'dashboard.view', communityScope(actor.communityId)), buildings };
}

/** The dashboard of the community (`buildingId` null) or a building, for an actor allowed to see it. */
export function dashboardFor(db: Db, actor: Actor | null, buildingId: number | null, now = Date.now()) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const scope = buildingId === null ? communityScope(actor.communityId) : buildingScope(db, buildingId);
	// Another community's building is not revealed to exist.
	if (scope.communityId !== actor.communityId) throw new DomainError('NOT_FOUND');
	authorize(actor, 'dashboard.view', scope);
	return dashboardFigures(db, actor.communityId, buildingId, now);
}
