import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { dispatch, dispatchEvent, followUp, rating, user } from '$lib/server/db/schema';
import { markAttendance } from '$lib/server/domain/attendance';
import { castBallot } from '$lib/server/domain/ballots';
import {
	liaisonStep,
	listDispatches,
	provideInfo,
	sendDispatch,
	stepsFor
} from '$lib/server/domain/dispatches';
import { assignFollowUp, followUpOf, reportProgress } from '$lib/server/domain/follow-ups';

import { openPoll } from '$lib/server/domain/polls';
import { closeDueRatings, rateFollowUp, ratingComments } from '$lib/server/domain/ratings';
import { closePoll } from '$lib/server/domain/resolutions';
import { DEFAULT_RULES } from '$lib/server/domain/tally';

import { openDemoMeeting, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const DAY = 24 * 3600_000;

/** A passed resolution of a 1栋 meeting, and the people around it. */
async function passed(outcome: 'yes' | 'no' = 'yes') {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const residents = [0, 1, 2, 3, 4, 5].map((i) => residentActor(db, '1栋', i));
	for (const r of residents) markAttendance(db, f, meetingId, r.residentId!, true, T0);
	const pollId = openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: null,
			question: '修补1栋楼道灯',
			type: 'yesNoAbstain',
			rules: DEFAULT_RULES,
			durationSeconds: null
		},
		T0
	);
	residents
		.slice(0, 4)
		.forEach((r, i) =>
			castBallot(
				db,
				r,
				{ pollId, ballotId: `fu-ballot-${i}-xxxx`, receipt: `abcdefghj${'kmnp'[i]}`, choices: [outcome] },
				T0 + 1
			)
		);
	const resolutionId = closePoll(db, f, pollId, T0 + 2);
	await docs.close();
	return {
		db,
		f,
		residents,
		resolutionId,
		liaison: staff(db, 'liaison'),
		outsider: residentActor(db, '2栋', 0)
	};
}

describe('follow-up of a passed resolution', () => {
	it('opens with the resolution, only for passed ones', async () => {
		const ok = await passed('yes');
		expect(followUpOf(ok.db, ok.resolutionId)).toMatchObject({ status: 'notStarted', percent: 0 });
		const failed = await passed('no');
		expect(followUpOf(failed.db, failed.resolutionId)).toBeNull();
	});

	it('takes progress from the owner only, and opens a rating round when done', async () => {
		const { db, f, residents, resolutionId, liaison } = await passed();
		const fu = followUpOf(db, resolutionId)!;
		expect(() =>
			assignFollowUp(db, residents[0], {
				followUpId: fu.id,
				ownerUserId: null,
				ownerDepartmentId: 1,
				dueOn: '2026-12-10'
			})
		).toThrow('FORBIDDEN');
		expect(() =>
			assignFollowUp(db, f, {
				followUpId: fu.id,
				ownerUserId: null,
				ownerDepartmentId: 999,
				dueOn: '2026-12-10'
			})
		).toThrow('NOT_FOUND');
		assignFollowUp(db, f, {
			followUpId: fu.id,
			ownerUserId: null,
			ownerDepartmentId: 1,
			dueOn: '2026-12-10'
		});
		expect(() =>
			reportProgress(db, f, { followUpId: fu.id, text: '已派人', percent: 30, done: false }, [], T0)
		).toThrow('NOT_OWNER');
		expect(() =>
			reportProgress(db, liaison, { followUpId: fu.id, text: ' ', percent: 30, done: false }, [], T0)
		).toThrow('INVALID_INPUT');
		reportProgress(db, liaison, { followUpId: fu.id, text: '已派人查看', percent: 30, done: false }, [], T0);
		reportProgress(
			db,
			liaison,
			{ followUpId: fu.id, text: '灯已换好', percent: 80, done: true },
			[],
			T0 + DAY
		);
		const done = followUpOf(db, resolutionId)!;
		expect(done).toMatchObject({ status: 'done', percent: 100, round: 1 });
		expect(done.ratingClosesAt!.getTime()).toBe(T0 + 8 * DAY);
		expect(() =>
			reportProgress(
				db,
				liaison,
				{ followUpId: fu.id, text: '再改', percent: 100, done: false },
				[],
				T0 + DAY
			)
		).toThrow('FOLLOW_UP_STATE');
	});
});

describe('rating (评议)', () => {
	async function doneItem() {
		const ctx = await passed();
		const fu = followUpOf(ctx.db, ctx.resolutionId)!;
		assignFollowUp(ctx.db, ctx.f, {
			followUpId: fu.id,
			ownerUserId: null,
			ownerDepartmentId: 1,
			dueOn: '2026-12-10'
		});
		reportProgress(
			ctx.db,
			ctx.liaison,
			{ followUpId: fu.id, text: '完成', percent: 100, done: true },
			[],
			T0
		);
		return { ...ctx, fu };
	}

	it('takes one rating per resident in scope while the round is open', async () => {
		const { db, residents, fu, outsider } = await doneItem();
		rateFollowUp(db, residents[0], { followUpId: fu.id, grade: 'satisfied' }, T0 + 1);
		expect(() => rateFollowUp(db, residents[0], { followUpId: fu.id, grade: 'unsatisfied' }, T0 + 2)).toThrow(
			'ALREADY_RATED'
		);
		expect(() => rateFollowUp(db, outsider, { followUpId: fu.id, grade: 'satisfied' }, T0 + 2)).toThrow(
			'NOT_ELIGIBLE'
		);
		expect(() => rateFollowUp(db, residents[1], { followUpId: fu.id, grade: 'great' }, T0 + 2)).toThrow(
			'INVALID_INPUT'
		);
		expect(() => rateFollowUp(db, residents[1], { followUpId: fu.id, grade: 'basic' }, T0 + 8 * DAY)).toThrow(
			'RATING_CLOSED'
		);
		expect(db.select().from(rating).all()).toHaveLength(1);
	});

	it('closes when enough are satisfied, reopens with the comments otherwise, and rates again next round', async () => {
		const { db, residents, fu, liaison } = await doneItem();
		rateFollowUp(db, residents[0], { followUpId: fu.id, grade: 'satisfied' }, T0 + 1);
		rateFollowUp(
			db,
			residents[1],
			{ followUpId: fu.id, grade: 'unsatisfied', comment: '二楼的灯还是不亮' },
			T0 + 1
		);
		rateFollowUp(db, residents[2], { followUpId: fu.id, grade: 'unsatisfied' }, T0 + 1);
		expect(closeDueRatings(db, T0 + 7 * DAY - 1)).toEqual([]); // not yet over
		expect(closeDueRatings(db, T0 + 7 * DAY)).toEqual([{ followUpId: fu.id, outcome: 'reopened' }]);
		expect(db.select().from(followUp).where(eq(followUp.id, fu.id)).get()!.status).toBe('reopened');
		expect(ratingComments(db, fu.id, 1).map((c) => c.comment)).toEqual(['二楼的灯还是不亮']);
		reportProgress(
			db,
			liaison,
			{ followUpId: fu.id, text: '二楼也换了', percent: 100, done: true },
			[],
			T0 + 9 * DAY
		);
		rateFollowUp(db, residents[1], { followUpId: fu.id, grade: 'satisfied' }, T0 + 9 * DAY + 1);
		expect(closeDueRatings(db, T0 + 17 * DAY)).toEqual([{ followUpId: fu.id, outcome: 'closed' }]);
		expect(closeDueRatings(db, T0 + 18 * DAY)).toEqual([]);
	});
});

describe('dispatch (吹哨派单)', () => {
	it('goes to a department with a deadline, and the liaison takes it through to handled on a timeline', async () => {
		const { db, f, resolutionId, liaison, residents } = await passed();
		const deadline = new Date(T0 + 5 * DAY);
		expect(() =>
			sendDispatch(db, f, { departmentId: 999, resolutionId, message: '请协助', deadline }, T0)
		).toThrow('NOT_FOUND');
		expect(() =>
			sendDispatch(db, residents[0], { departmentId: 1, resolutionId, message: '请协助', deadline }, T0)
		).toThrow('FORBIDDEN');
		expect(() =>
			sendDispatch(
				db,
				f,
				{ departmentId: 1, resolutionId, message: '请协助', deadline: new Date(T0 - 1) },
				T0
			)
		).toThrow('INVALID_INPUT');
		const id = sendDispatch(db, f, { departmentId: 1, resolutionId, message: '路口需要划线', deadline }, T0);
		expect(() => liaisonStep(db, liaison, { dispatchId: id, step: 'handle', text: '好了' }, T0)).toThrow(
			'DISPATCH_STATE'
		);
		liaisonStep(db, liaison, { dispatchId: id, step: 'askInfo', text: '哪个路口？' }, T0 + 1);
		provideInfo(db, f, { dispatchId: id, text: '小区东门' }, T0 + 2);
		liaisonStep(db, liaison, { dispatchId: id, step: 'accept' }, T0 + 3);
		liaisonStep(db, liaison, { dispatchId: id, step: 'handle', text: '已划线' }, T0 + 4);
		expect(() =>
			liaisonStep(db, liaison, { dispatchId: id, step: 'reply', text: '再说一句' }, T0 + 5)
		).toThrow('DISPATCH_STATE');
		expect(db.select().from(dispatch).where(eq(dispatch.id, id)).get()!.status).toBe('handled');
		expect(
			db
				.select()
				.from(dispatchEvent)
				.all()
				.map((e) => e.kind)
		).toEqual(['sent', 'infoRequested', 'info', 'accepted', 'handled']);
		// Only the liaison of that department (and staff) sees it.
		const otherLiaison = db.select().from(user).where(eq(user.username, 'liaison')).get()!;
		expect(otherLiaison).toBeTruthy();
		expect(listDispatches(db, liaison, T0).map((d) => d.id)).toEqual([id]);
		expect(() => listDispatches(db, residents[0], T0)).toThrow('FORBIDDEN');
	});

	it('keeps an accepted dispatch accepted when the facilitator answers the liaison’s question', async () => {
		const { db, f, resolutionId, liaison } = await passed();
		const deadline = new Date(T0 + 5 * DAY);
		const id = sendDispatch(db, f, { departmentId: 1, resolutionId, message: '路口需要划线', deadline }, T0);
		const status = () => db.select().from(dispatch).where(eq(dispatch.id, id)).get()!.status;
		liaisonStep(db, liaison, { dispatchId: id, step: 'accept' }, T0 + 1);
		liaisonStep(db, liaison, { dispatchId: id, step: 'askInfo', text: '哪个路口？' }, T0 + 2);
		provideInfo(db, f, { dispatchId: id, text: '小区东门' }, T0 + 3);
		expect(status()).toBe('accepted');
		// Accepting again is refused; the liaison goes straight on to handling it.
		expect(() => liaisonStep(db, liaison, { dispatchId: id, step: 'accept' }, T0 + 4)).toThrow(
			'DISPATCH_STATE'
		);
		liaisonStep(db, liaison, { dispatchId: id, step: 'handle', text: '已划线' }, T0 + 5);
		expect(status()).toBe('handled');
	});

	it('offers each side only the steps it may take now', () => {
		const both = { liaison: true, sender: true };
		expect(stepsFor({ status: 'sent' }, both)).toEqual(['accept', 'reply', 'askInfo']);
		expect(stepsFor({ status: 'accepted' }, { liaison: true, sender: false })).toEqual([
			'reply',
			'askInfo',
			'handle'
		]);
		expect(stepsFor({ status: 'infoRequested' }, { liaison: false, sender: true })).toEqual(['info']);
		expect(stepsFor({ status: 'handled' }, both)).toEqual([]);
	});

	it('stands out as overdue past its deadline until handled', async () => {
		const { db, f, resolutionId, liaison } = await passed();
		const id = sendDispatch(
			db,
			f,
			{ departmentId: 1, resolutionId, message: '请协助', deadline: new Date(T0 + DAY) },
			T0
		);
		expect(listDispatches(db, liaison, T0 + DAY - 1)[0].overdue).toBe(false);
		expect(listDispatches(db, liaison, T0 + DAY + 1)[0].overdue).toBe(true);
		liaisonStep(db, liaison, { dispatchId: id, step: 'accept' }, T0);
		liaisonStep(db, liaison, { dispatchId: id, step: 'handle', text: '已处理' }, T0);
		expect(listDispatches(db, f, T0 + 2 * DAY)[0].overdue).toBe(false);
	});
});
