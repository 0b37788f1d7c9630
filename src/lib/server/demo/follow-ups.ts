/**
 * What became of the demo's resolutions (评议 closes the loop): the e-bike bay in progress with two
 * photo reports by 1栋's building head, the wrong-way traffic handed to 县交警大队 and answered by its
 * liaison (its follow-up overdue), 潮汐车位 done and rated by the estate (4 of 5 satisfied, the round
 * closed), and 1栋's stairwells cleared and being rated now.
 */
import { eq } from 'drizzle-orm';
import { department } from '../db/schema';
import { liaisonStep, sendDispatch } from '../domain/dispatches';
import { assignFollowUp, followUpOf, reportProgress } from '../domain/follow-ups';
import { closeDueRatings, rateFollowUp } from '../domain/ratings';
import type { Story } from './cast';
import { ESTATE_MEETING_DAY } from './estate-meeting';
import type { StoredPhoto } from '../photos';

type Resolutions = {
	fireResolution: number;
	stairsResolution: number;
	tidalResolution: number;
	gateResolution: number;
};

/** `photos`: the two drawn reports' photos (drawPhotos), made before the story's one transaction. */
export function followUpStory(s: Story, r: Resolutions, photos: StoredPhoto[][]) {
	const { db } = s;
	const f = s.staff('facilitator');
	const head = s.staff('building1');
	const liaison = s.staff('liaison');
	const police = db.select().from(department).where(eq(department.name, '县交警大队')).get()!.id;
	const d0 = ESTATE_MEETING_DAY;

	// 潮汐车位: the committee member registered the spaces, reported it done; the estate rated it.
	const tidal = followUpOf(db, r.tidalResolution)!.id;
	const committee = s.staff('committee');
	assignFollowUp(db, f, {
		followUpId: tidal,
		ownerUserId: committee.userId,
		ownerDepartmentId: null,
		dueOn: s.dateOn(d0 + 14)
	});
	reportProgress(
		db,
		committee,
		{ followUpId: tidal, text: '已登记白天可共享车位 18 个，在小区门口公示。', percent: 50, done: false },
		[],
		s.at(d0 + 4, 10)
	);
	reportProgress(
		db,
		committee,
		{
			followUpId: tidal,
			text: '试行两周，白天来访车辆都能停下，晚七点前车位按时让出。',
			percent: 100,
			done: true
		},
		[],
		s.at(d0 + 12, 17)
	);
	const grades: Array<[string, number, string, string | null]> = [
		['3栋', 0, 'satisfied', '白天家里老人看病的车终于有地方停了。'],
		['3栋', 1, 'satisfied', null],
		['4栋', 0, 'satisfied', '登记表贴得很清楚。'],
		['5栋', 2, 'satisfied', null],
		['6栋', 3, 'unsatisfied', '晚上七点后偶尔还有外来车不走，希望物业再提醒。']
	];
	grades.forEach(([b, n, grade, comment], i) =>
		rateFollowUp(db, s.resident(b, n), { followUpId: tidal, grade, comment }, s.at(d0 + 13 + i, 20))
	);
	closeDueRatings(db, s.at(d0 + 20, 0));

	// 小区门口车辆逆行: 吹哨 to the county traffic police, who answered and reported on the follow-up.
	const gate = followUpOf(db, r.gateResolution)!.id;
	assignFollowUp(db, f, {
		followUpId: gate,
		ownerUserId: null,
		ownerDepartmentId: police,
		// Due ten days ago: the barrier is up, the report stalled short of done (the dashboard's 逾期).
		dueOn: s.dateOn(-10)
	});
	const dispatchId = sendDispatch(
		db,
		f,
		{
			departmentId: police,
			resolutionId: r.gateResolution,
			message: '富春小区门口早晚高峰车辆逆行进出，居民议事会决议请求增设隔离栏和警示标志，请协助处理。',
			deadline: new Date(s.at(d0 + 15, 18))
		},
		s.at(d0 + 1, 9)
	);
	liaisonStep(db, liaison, { dispatchId, step: 'accept' }, s.at(d0 + 1, 15));
	liaisonStep(
		db,
		liaison,
		{
			dispatchId,
			step: 'reply',
			text: '已派人现场查看，将在门口增设隔离栏和禁止逆行标志，并联合物管加强早晚巡查。'
		},
		s.at(d0 + 3, 11)
	);
	liaisonStep(
		db,
		liaison,
		{ dispatchId, step: 'handle', text: '隔离栏和警示标志已设置完毕，早晚高峰与物管联合巡查一个月。' },
		s.at(d0 + 10, 15)
	);
	reportProgress(
		db,
		liaison,
		{
			followUpId: gate,
			text: '隔离栏 40 米已安装，警示标志两块已设置；早晚高峰交警与物管联合巡查。',
			percent: 70,
			done: false
		},
		[],
		s.at(d0 + 10, 16)
	);

	// The e-bike bay of 1栋, in progress, with photos taken on the spot.
	const fire = followUpOf(db, r.fireResolution)!.id;
	assignFollowUp(db, f, {
		followUpId: fire,
		ownerUserId: head.userId,
		ownerDepartmentId: null,
		dueOn: s.dateOn(7)
	});
	reportProgress(
		db,
		head,
		{
			followUpId: fire,
			text: '已挨户通知，消防通道上的电动车清走了；停放区地面已划线。',
			percent: 40,
			done: false
		},
		photos[0],
		s.at(-5, 18)
	);
	reportProgress(
		db,
		head,
		{ followUpId: fire, text: '充电桩 12 个口已安装，等供电所验收后通电。', percent: 70, done: false },
		photos[1],
		s.at(-2, 17)
	);

	// 楼道杂物: a week of reminders, then cleared; 1栋 is rating it now (the round is still open).
	const stairs = followUpOf(db, r.stairsResolution)!.id;
	assignFollowUp(db, f, {
		followUpId: stairs,
		ownerUserId: head.userId,
		ownerDepartmentId: null,
		dueOn: s.dateOn(0)
	});
	const cleared = (text: string, percent: number, done: boolean, at: number) =>
		reportProgress(db, head, { followUpId: stairs, text, percent, done }, [], at);
	cleared('已挨户提醒，大部分住户自己搬走了杂物。', 60, false, s.at(-4, 19));
	cleared('剩余的旧家具和纸箱已由物业统一清运，楼道畅通。', 100, true, s.at(-1, 17));
	rateFollowUp(db, s.resident('1栋', 0), { followUpId: stairs, grade: 'satisfied' }, s.at(-1, 20));
	rateFollowUp(
		db,
		s.resident('1栋', 2),
		{ followUpId: stairs, grade: 'basic', comment: '清得挺干净，希望以后每月查一次。' },
		s.at(-1, 21)
	);
	return { tidal, gate, fire, stairs, dispatchId };
}
