import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	building,
	department,
	dispatch,
	followUp,
	followUpUpdate,
	rating,
	resident,
	user
} from '$lib/server/db/schema';
import { chinaMonth, lastMonths, median, monthStart, satisfactionRate } from '$lib/dashboard';
import { dashboardFigures, dashboardFor, dashboardPlaces } from '$lib/server/domain/dashboard';
import { demoDb, residentActor, staff } from '../helpers/demo-db';
import { insertMeeting, insertProposal, insertResolution, markPresent } from '../helpers/records';

/** Noon on 15 June 2026 in China: the window runs from July 2025 to June 2026. */
const NOW = Date.UTC(2026, 5, 15, 4);
/** 10:00 China time on a day of 2026 (month 1-based). */
const at = (month: number, day: number) => Date.UTC(2026, month - 1, day, 2);

describe('dashboard arithmetic', () => {
	it('takes exact medians: the middle value, or the mean of the two middle ones', () => {
		expect(median([])).toBeNull();
		expect(median([5])).toBe(5);
		expect(median([10, 4, 7])).toBe(7);
		expect(median([6, 3])).toBe(4.5);
		expect(median([1, 2, 2, 100])).toBe(2);
	});

	it('counts months in China time, twelve of them, across a new year', () => {
		expect(chinaMonth(Date.UTC(2026, 3, 30, 15, 59))).toBe('2026-04');
		expect(chinaMonth(Date.UTC(2026, 3, 30, 16, 0))).toBe('2026-05');
		expect(monthStart('2026-05')).toBe(Date.UTC(2026, 3, 30, 16));
		expect(lastMonths(Date.UTC(2026, 1, 3), 3)).toEqual(['2025-12', '2026-01', '2026-02']);
		expect(lastMonths(NOW)).toHaveLength(12);
	});

	it('rates satisfaction as satisfied and basic over all ratings, and nothing when nobody rated', () => {
		expect(satisfactionRate({ satisfied: 2, basic: 1, unsatisfied: 1 })).toBe(0.75);
		expect(satisfactionRate({ satisfied: 0, basic: 0, unsatisfied: 0 })).toBeNull();
	});
});

/**
 * Hand-made rows for 1栋 (and one for 2栋), with every time chosen: proposals resolved after 4, 10 and
 * 7 days in March (one first failing without quorum), after 3 and 6 days in April; follow-ups done,
 * overdue and closed; late and timely dispatches; ratings; two meetings with attendance.
 */
async function council() {
	const db = await demoDb();
	const b2 = db.select().from(building).where(eq(building.name, '2栋')).get()!.id;
	const [d1, d2] = db.select().from(department).orderBy(department.id).all();
	const m1 = insertMeeting(db, { startsAt: at(3, 1), title: '1栋三月议事会' });
	const m2 = insertMeeting(db, { startsAt: at(4, 1), buildingId: null, title: '社区大会' });
	insertMeeting(db, { startsAt: Date.UTC(2025, 0, 5), title: '去年的会' });
	const resolved = (createdAt: number, decidedAt: number, buildingId = 1) => {
		const p = insertProposal(db, { createdAt, status: 'resolved', buildingId });
		return { p, r: insertResolution(db, { meetingId: m1, proposalId: p, decidedAt }) };
	};
	const p1 = insertProposal(db, { createdAt: at(3, 1), status: 'resolved' });
	insertResolution(db, { meetingId: m1, proposalId: p1, decidedAt: at(3, 3), outcome: 'noQuorum' });
	const r1 = insertResolution(db, { meetingId: m1, proposalId: p1, decidedAt: at(3, 5) });
	const { r: r2 } = resolved(at(3, 2), at(3, 12));
	resolved(at(3, 10), at(3, 17));
	const { r: r4 } = resolved(at(4, 1), at(4, 4));
	insertProposal(db, { createdAt: at(4, 2), status: 'resolved', updatedAt: at(4, 8) });
	resolved(Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1)); // before the window
	const p6 = insertProposal(db, { createdAt: at(5, 20) });
	const p7 = insertProposal(db, { createdAt: at(5, 21), buildingId: b2 });
	insertProposal(db, { createdAt: Date.UTC(2026, 3, 30, 17) }); // 1 May, 01:00 in China

	const adminId = db.select().from(user).where(eq(user.username, 'admin')).get()!.id;
	// Passed resolutions get a follow-up as they close; the figures here need their own.
	db.delete(followUp).run();
	const fu = (values: Partial<typeof followUp.$inferInsert> & { resolutionId: number }) =>
		db
			.insert(followUp)
			.values({ communityId: 1, createdAt: new Date(at(3, 6)), ...values })
			.returning()
			.get().id;
	const report = (followUpId: number, status: 'inProgress' | 'done', when: number) =>
		db
			.insert(followUpUpdate)
			.values({
				followUpId,
				authorUserId: adminId,
				text: '进展',
				percent: 50,
				status,
				createdAt: new Date(when)
			})
			.run();
	// F1: due 20 March, in progress past it (overdue at March's end), done 10 April, closed after ratings.
	const f1 = fu({
		resolutionId: r1,
		ownerDepartmentId: d1.id,
		dueOn: '2026-03-20',
		status: 'closed',
		round: 1
	});
	db.update(followUp)
		.set({ closedAt: new Date(at(4, 20)) })
		.where(eq(followUp.id, f1))
		.run();
	report(f1, 'inProgress', at(3, 10));
	report(f1, 'done', at(4, 10));
	// F2: due 1 May and still in progress: overdue at May's end and now.
	const f2 = fu({ resolutionId: r2, ownerDepartmentId: d1.id, dueOn: '2026-05-01', status: 'inProgress' });
	report(f2, 'inProgress', at(3, 15));
	// F3: owned by a person, done 4 May, well before its due day.
	const f3 = fu({ resolutionId: r4, ownerUserId: adminId, dueOn: '2026-06-30', status: 'done', round: 1 });
	report(f3, 'done', at(5, 4));

	const send = (
		departmentId: number,
		v: { proposalId?: number; created: number; deadline: number; handled?: number }
	) =>
		db
			.insert(dispatch)
			.values({
				communityId: 1,
				departmentId,
				proposalId: v.proposalId ?? null,
				message: '请协助',
				deadline: new Date(v.deadline),
				status: v.handled ? 'handled' : 'sent',
				handledAt: v.handled ? new Date(v.handled) : null,
				createdByUserId: adminId,
				createdAt: new Date(v.created)
			})
			.run();
	send(d2.id, { proposalId: p6, created: at(5, 21), deadline: at(5, 25) }); // overdue since 25 May
	send(d2.id, { proposalId: p6, created: at(5, 21), deadline: at(5, 28), handled: at(5, 24) }); // on time
	send(d2.id, { proposalId: p6, created: at(4, 20), deadline: at(4, 25), handled: at(5, 3) }); // late: overdue at April's end
	send(d1.id, { proposalId: p7, created: at(5, 21), deadline: at(5, 25) }); // 2栋's, overdue

	const people = db.select({ id: resident.id }).from(resident).limit(5).all();
	const rate = (followUpId: number, grades: Array<'satisfied' | 'basic' | 'unsatisfied'>, when: number) =>
		grades.forEach((grade, i) =>
			db
				.insert(rating)
				.values({ followUpId, round: 1, residentId: people[i].id, grade, createdAt: new Date(when) })
				.run()
		);
	rate(f1, ['satisfied', 'basic', 'unsatisfied', 'satisfied'], at(4, 12));
	rate(f3, ['unsatisfied'], at(5, 6));
	markPresent(db, m1, 1, 3);
	markPresent(db, m2, 1, 1);
	return { db, b2, d1, d2 };
}

describe('dashboard figures', () => {
	it('counts proposals and exact medians per China month', async () => {
		const { db } = await council();
		const f = dashboardFigures(db, 1, null, NOW);
		expect(f.months.map((m) => m.month)).toEqual(lastMonths(NOW));
		const month = (m: string) => f.months.find((x) => x.month === m)!;
		expect(month('2026-03')).toMatchObject({ received: 3, resolved: 3, medianDaysToResolution: 7 });
		expect(month('2026-04')).toMatchObject({ received: 2, resolved: 2, medianDaysToResolution: 4.5 });
		expect(month('2026-05')).toMatchObject({ received: 3, resolved: 0, medianDaysToResolution: null });
		expect(month('2026-04').medianDaysToDone).toBe(40);
		expect(month('2026-05').medianDaysToDone).toBe(33);
		expect(f.totals).toMatchObject({
			received: 8,
			resolved: 5,
			medianDaysToResolution: 6,
			medianDaysToDone: 36.5,
			ratings: { satisfied: 2, basic: 1, unsatisfied: 2 }
		});
		expect(month('2026-04').ratings).toEqual({ satisfied: 2, basic: 1, unsatisfied: 1 });
		expect(month('2026-05').ratings).toEqual({ satisfied: 0, basic: 0, unsatisfied: 1 });
	});

	it('counts overdue items per department at each month’s end and now', async () => {
		const { db, d1, d2 } = await council();
		const f = dashboardFigures(db, 1, null, NOW);
		expect(f.months.slice(-4).map((m) => m.overdue)).toEqual([1, 1, 3, 3]);
		expect(f.totals.overdue).toBe(3);
		const byId = new Map(f.departments.map((d) => [d.departmentId, d]));
		expect(byId.get(d1.id)).toMatchObject({ followUps: 1, dispatches: 1 });
		expect(byId.get(d1.id)!.byMonth.slice(-4)).toEqual([1, 0, 2, 2]);
		expect(byId.get(d2.id)).toMatchObject({ followUps: 0, dispatches: 1 });
		expect(byId.get(d2.id)!.byMonth.slice(-4)).toEqual([0, 1, 1, 1]);
		// The person-owned follow-up was never overdue, so it gets no row.
		expect(f.departments.map((d) => d.departmentId)).not.toContain(null);
	});

	it('measures participation per meeting by its voting unit', async () => {
		const { db } = await council();
		const f = dashboardFigures(db, 1, null, NOW);
		expect(f.meetings.map((m) => [m.title, m.present])).toEqual([
			['1栋三月议事会', 3],
			['社区大会', 1]
		]);
		expect(f.meetings[0].eligible).toBe(6);
		expect(f.meetings[1].eligible).toBeGreaterThan(6);
	});

	it('narrows everything to one building', async () => {
		const { db, b2, d1 } = await council();
		const one = dashboardFigures(db, 1, 1, NOW);
		expect(one.totals).toMatchObject({ received: 7, resolved: 5, overdue: 2 });
		expect(one.departments.find((d) => d.departmentId === d1.id)).toMatchObject({ dispatches: 0 });
		expect(one.meetings.map((m) => m.title)).toEqual(['1栋三月议事会']);
		const two = dashboardFigures(db, 1, b2, NOW);
		expect(two.totals).toMatchObject({ received: 1, resolved: 0, overdue: 1, medianDaysToResolution: null });
		expect(two.meetings).toEqual([]);
	});
});

describe('who sees the dashboard', () => {
	it('lets staff with dashboard.view see it, a building head only their building', async () => {
		const db = await demoDb();
		expect(dashboardFor(db, staff(db, 'committee'), null, NOW).months).toHaveLength(12);
		const head = staff(db, 'building1');
		expect(dashboardPlaces(db, head)).toMatchObject({ community: false, buildings: [{ name: '1栋' }] });
		expect(() => dashboardFor(db, head, 1, NOW)).not.toThrow();
		expect(() => dashboardFor(db, head, null, NOW)).toThrow('FORBIDDEN');
		expect(() => dashboardFor(db, head, 2, NOW)).toThrow('FORBIDDEN');
		expect(() => dashboardFor(db, residentActor(db, '1栋'), 1, NOW)).toThrow('FORBIDDEN');
		expect(() => dashboardFor(db, staff(db, 'liaison'), null, NOW)).toThrow('FORBIDDEN');
		expect(() => dashboardFor(db, null, null, NOW)).toThrow('UNAUTHENTICATED');
		expect(() => dashboardFor(db, staff(db, 'admin'), 999, NOW)).toThrow('NOT_FOUND');
	});
});
