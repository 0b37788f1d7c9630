import { describe, expect, it } from 'vitest';
import type { Db } from '$lib/server/db';
import { attendance } from '$lib/server/db/schema';
import {
	closeMeeting,
	createMeeting,
	getMeeting,
	openMeeting,
	pauseTimer,
	setCurrentItem,
	startTimer
} from '$lib/server/domain/meetings';
import { meetingState } from '$lib/server/domain/meeting-state';
import {
	attendanceRoster,
	checkIn,
	checkInByCode,
	giveFloor,
	lowerHand,
	markAttendance,
	raiseHand
} from '$lib/server/domain/attendance';
import { createBuilding, deleteBuilding } from '$lib/server/domain/roster';
import { createYjsServer } from '$lib/server/yjs';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

const docsFor = (db: Db) => createYjsServer({ db });

const T0 = Date.UTC(2026, 10, 27, 11);

function buildingMeeting(db: Db, votingUnit: 'household' | 'resident' = 'household') {
	return createMeeting(db, staff(db, 'facilitator'), {
		title: '1栋月度议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(T0),
		place: '1栋楼下',
		votingUnit,
		isPublic: true
	});
}

describe('meetings', () => {
	it('goes draft → live → closed and refuses going back', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		const f = staff(db, 'facilitator');
		expect(meetingState(db, id).meeting.status).toBe('draft');
		openMeeting(db, f, id);
		expect(() => openMeeting(db, f, id)).toThrow('MEETING_STATE');
		closeMeeting(db, docsFor(db), f, id);
		expect(meetingState(db, id).meeting.status).toBe('closed');
		expect(() => closeMeeting(db, docsFor(db), f, id)).toThrow('MEETING_STATE');
	});

	it('lets a building head run their building’s meeting but not another building’s', async () => {
		const db = await demoDb();
		const head = staff(db, 'building1');
		expect(
			createMeeting(db, head, {
				title: 'x',
				scopeType: 'building',
				scopeId: 1,
				startsAt: new Date(T0),
				place: 'p',
				votingUnit: 'household',
				isPublic: true
			})
		).toBeGreaterThan(0);
		expect(() =>
			createMeeting(db, head, {
				title: 'x',
				scopeType: 'building',
				scopeId: 2,
				startsAt: new Date(T0),
				place: 'p',
				votingUnit: 'household',
				isPublic: true
			})
		).toThrow('FORBIDDEN');
		expect(() => openMeeting(db, residentActor(db, '1栋'), buildingMeeting(db))).toThrow('FORBIDDEN');
	});

	it('runs the item timer on the server clock, only while started', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		const f = staff(db, 'facilitator');
		openMeeting(db, f, id, T0);
		expect(() => startTimer(db, f, id, T0)).toThrow('NO_CURRENT_ITEM');
		setCurrentItem(db, f, id, 'item-a');
		startTimer(db, f, id, T0);
		startTimer(db, f, id, T0 + 5_000); // a second tap does not restart it
		expect(meetingState(db, id, T0 + 30_000).timer).toMatchObject({
			itemId: 'item-a',
			running: true,
			elapsedMs: 30_000
		});
		pauseTimer(db, f, id, T0 + 60_000);
		expect(meetingState(db, id, T0 + 999_000).timer).toMatchObject({ running: false, elapsedMs: 60_000 });
		startTimer(db, f, id, T0 + 100_000);
		expect(meetingState(db, id, T0 + 110_000).timer.elapsedMs).toBe(70_000);
		setCurrentItem(db, f, id, 'item-b');
		expect(meetingState(db, id, T0 + 120_000).timer).toMatchObject({
			itemId: 'item-b',
			running: false,
			elapsedMs: 0
		});
	});
});

describe('the roster under a meeting', () => {
	it('refuses to delete a building that a meeting is held for, even an empty one', async () => {
		const db = await demoDb();
		const admin = staff(db, 'admin');
		const empty = createBuilding(db, admin, { name: '新建8栋', estateId: 1, gridId: null });
		createMeeting(db, staff(db, 'facilitator'), {
			title: '8栋筹备会',
			scopeType: 'building',
			scopeId: empty,
			startsAt: new Date(T0),
			place: 'p',
			votingUnit: 'household',
			isPublic: true
		});
		expect(() => deleteBuilding(db, admin, { buildingId: empty })).toThrow('IN_USE');
		const unused = createBuilding(db, admin, { name: '新建9栋', estateId: 1, gridId: null });
		deleteBuilding(db, admin, { buildingId: unused });
	});
});

describe('attendance', () => {
	it('counts present households against eligible ones and reports the quorum', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		const f = staff(db, 'facilitator');
		openMeeting(db, f, id);
		expect(meetingState(db, id).attendance).toEqual({ present: 0, eligible: 6, quorum: false });
		const code = getMeeting(db, id).joinCode;
		checkIn(db, residentActor(db, '1栋', 0), id, code);
		checkIn(db, residentActor(db, '1栋', 0), id, code.toUpperCase()); // a retried check-in counts once
		checkIn(db, residentActor(db, '1栋', 1), id, code);
		const roster = attendanceRoster(db, f, id);
		markAttendance(db, f, id, roster[2].residentId, true);
		expect(meetingState(db, id).attendance).toEqual({ present: 3, eligible: 6, quorum: false });
		markAttendance(db, f, id, roster[3].residentId, true);
		expect(meetingState(db, id).attendance).toEqual({ present: 4, eligible: 6, quorum: true });
		markAttendance(db, f, id, roster[3].residentId, false);
		expect(meetingState(db, id).attendance.present).toBe(3);
		expect(db.select().from(attendance).all()).toHaveLength(4);
		expect(
			attendanceRoster(db, f, id)
				.filter((r) => r.present)
				.map((r) => r.channel)
		).toEqual(['phone', 'phone', 'marked']);
	});

	it('refuses check-in from outside the scope and marking by a resident, changing nothing', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		openMeeting(db, staff(db, 'facilitator'), id);
		expect(() => checkIn(db, residentActor(db, '2栋'), id, getMeeting(db, id).joinCode)).toThrow('FORBIDDEN');
		const r = residentActor(db, '1栋');
		expect(() => markAttendance(db, r, id, r.residentId!, true)).toThrow('FORBIDDEN');
		expect(() =>
			markAttendance(db, staff(db, 'facilitator'), id, residentActor(db, '2栋').residentId!, true)
		).toThrow('NOT_ELIGIBLE');
		expect(db.select().from(attendance).all()).toHaveLength(0);
	});

	it('refuses a check-in without the join code shown in the room, changing nothing', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		openMeeting(db, staff(db, 'facilitator'), id);
		expect(() => checkIn(db, residentActor(db, '1栋'), id, 'aaaaaaaa')).toThrow('WRONG_CODE');
		expect(() => checkIn(db, residentActor(db, '1栋'), id, '')).toThrow('WRONG_CODE');
		expect(db.select().from(attendance).all()).toHaveLength(0);
	});

	it('checks a resident in by scanning the code, and lets staff and outsiders through or not', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		const code = getMeeting(db, id).joinCode;
		expect(checkInByCode(db, residentActor(db, '1栋'), code.toUpperCase())).toBe(id);
		expect(meetingState(db, id).attendance.present).toBe(1);
		expect(checkInByCode(db, staff(db, 'facilitator'), code)).toBe(id);
		expect(meetingState(db, id).attendance.present).toBe(1);
		expect(() => checkInByCode(db, residentActor(db, '2栋'), code)).toThrow('NOT_ELIGIBLE');
		expect(() => checkInByCode(db, null, code)).toThrow('UNAUTHENTICATED');
		expect(() => checkInByCode(db, residentActor(db, '1栋'), 'zzzzzzzz')).toThrow('NOT_FOUND');
	});

	it('refuses check-in to a closed meeting', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		const f = staff(db, 'facilitator');
		openMeeting(db, f, id);
		closeMeeting(db, docsFor(db), f, id);
		expect(() => checkIn(db, residentActor(db, '1栋'), id, getMeeting(db, id).joinCode)).toThrow(
			'MEETING_STATE'
		);
	});
});

describe('speaker queue', () => {
	it('queues hands in order, keeps a place on a second raise, and moves on when the floor is given', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		const f = staff(db, 'facilitator');
		openMeeting(db, f, id);
		const [a, b, c] = [0, 1, 2].map((n) => residentActor(db, '1栋', n));
		const first = raiseHand(db, a, id, T0);
		raiseHand(db, b, id, T0 + 1);
		expect(raiseHand(db, a, id, T0 + 2)).toBe(first);
		raiseHand(db, c, id, T0 + 3);
		lowerHand(db, c, id);
		expect(meetingState(db, id).speakers.map((s) => [s.residentId, s.status])).toEqual([
			[a.residentId, 'waiting'],
			[b.residentId, 'waiting']
		]);
		giveFloor(db, f, id, first);
		const second = meetingState(db, id).speakers[1].id;
		giveFloor(db, f, id, second);
		expect(meetingState(db, id).speakers.map((s) => [s.residentId, s.status])).toEqual([
			[b.residentId, 'speaking']
		]);
		giveFloor(db, f, id, null);
		expect(meetingState(db, id).speakers).toEqual([]);
		expect(() => giveFloor(db, f, id, first)).toThrow('NOT_FOUND');
	});

	it('refuses a raised hand in a closed meeting', async () => {
		const db = await demoDb();
		const id = buildingMeeting(db);
		const f = staff(db, 'facilitator');
		openMeeting(db, f, id);
		closeMeeting(db, docsFor(db), f, id);
		expect(() => raiseHand(db, residentActor(db, '1栋'), id)).toThrow('MEETING_STATE');
	});
});
