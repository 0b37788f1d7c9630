import { describe, expect, it } from 'vitest';
import type { Db } from '$lib/server/db';
import { attendance } from '$lib/server/db/schema';
import type { Body } from '$lib/server/domain/bodies';
import { createMeeting, getMeeting, openMeeting } from '$lib/server/domain/meetings';
import { checkIn, checkInByCode } from '$lib/server/domain/attendance';
import {
	CHECK_IN_GRACE_MS,
	CHECK_IN_WINDOW_MS,
	checkInCodeAt,
	setRotatingCheckIn,
	showCheckInCode
} from '$lib/server/domain/check-in-code';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

/** The start of a code window, so each test knows how far it is from the next change. */
const T0 = Math.ceil(Date.UTC(2026, 10, 27, 11) / CHECK_IN_WINDOW_MS) * CHECK_IN_WINDOW_MS;

function meetingOf(db: Db, body?: Body) {
	const f = staff(db, 'facilitator');
	const id = createMeeting(db, f, {
		title: '议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(T0),
		place: '1栋楼下',
		votingUnit: 'household',
		isPublic: true,
		...(body ? { body } : {})
	});
	openMeeting(db, f, id, T0);
	return id;
}

const present = (db: Db) => db.select().from(attendance).all().length;

describe('rotating check-in code', () => {
	it('refuses the fixed join code at a 村民会议, whose check-in code rotates by default', async () => {
		const db = await demoDb();
		const id = meetingOf(db, 'villagerAssembly');
		// A photo of the projector holds the fixed code for ever; it must not check anyone in.
		expect(() => checkIn(db, residentActor(db, '1栋'), id, getMeeting(db, id).joinCode, T0)).toThrow(
			'WRONG_CODE'
		);
		expect(present(db)).toBe(0);
	});

	it('rotates for every legal body and not for a building council, unless the facilitator changes it', async () => {
		const db = await demoDb();
		for (const body of [
			'villagerAssembly',
			'villagerRepresentatives',
			'residentAssembly',
			'ownersAssembly'
		] as const)
			expect(getMeeting(db, meetingOf(db, body)).rotatingCheckIn, body).toBe(true);
		const building = meetingOf(db);
		expect(getMeeting(db, building).rotatingCheckIn).toBe(false);
		setRotatingCheckIn(db, staff(db, 'facilitator'), building, true);
		expect(getMeeting(db, building).rotatingCheckIn).toBe(true);
		expect(() => setRotatingCheckIn(db, residentActor(db, '1栋'), building, false)).toThrow('FORBIDDEN');
		expect(getMeeting(db, building).rotatingCheckIn).toBe(true);
	});

	it('takes the code shown now and, for a short grace, the one before; never an older one', async () => {
		const db = await demoDb();
		const id = meetingOf(db, 'villagerAssembly');
		const m = getMeeting(db, id);
		const shown = checkInCodeAt(m, T0);
		expect(shown.code).toMatch(/^\d{6}$/);
		expect(shown.changesAt).toBe(T0 + CHECK_IN_WINDOW_MS);
		const next = checkInCodeAt(m, T0 + CHECK_IN_WINDOW_MS);
		expect(next.code).not.toBe(shown.code);

		// Scanned a moment before it changed, sent a moment after: still counted.
		const r0 = residentActor(db, '1栋', 0);
		checkIn(db, r0, id, shown.code, T0 + CHECK_IN_WINDOW_MS + CHECK_IN_GRACE_MS - 1000);
		expect(present(db)).toBe(1);
		// Past the grace, the old code (a photo sent to the WeChat group) is refused.
		const r1 = residentActor(db, '1栋', 1);
		expect(() => checkIn(db, r1, id, shown.code, T0 + CHECK_IN_WINDOW_MS + CHECK_IN_GRACE_MS + 1000)).toThrow(
			'WRONG_CODE'
		);
		expect(() => checkIn(db, r1, id, shown.code, T0 + 3 * CHECK_IN_WINDOW_MS)).toThrow('WRONG_CODE');
		expect(present(db)).toBe(1);
		// Typed with a space, as the projector groups it: accepted.
		checkIn(db, r1, id, `${next.code.slice(0, 3)} ${next.code.slice(3)}`, T0 + CHECK_IN_WINDOW_MS + 5000);
		expect(present(db)).toBe(2);
	});

	it('derives the code from the meeting alone, so a restart or another node shows the same one', async () => {
		const db = await demoDb();
		const a = meetingOf(db, 'villagerAssembly');
		const b = meetingOf(db, 'villagerAssembly');
		const t = T0 + 7 * CHECK_IN_WINDOW_MS + 1234;
		expect(checkInCodeAt(getMeeting(db, a), t)).toEqual(checkInCodeAt({ ...getMeeting(db, a) }, t));
		expect(checkInCodeAt(getMeeting(db, a), t).code).not.toBe(checkInCodeAt(getMeeting(db, b), t).code);
	});

	it('checks in by scanning the projector’s current QR link, and the fixed link only opens the meeting', async () => {
		const db = await demoDb();
		const id = meetingOf(db, 'villagerAssembly');
		const m = getMeeting(db, id);
		const r = residentActor(db, '1栋');
		expect(checkInByCode(db, r, m.joinCode, T0)).toBe(id);
		expect(present(db)).toBe(0);
		const old = checkInCodeAt(m, T0 - 2 * CHECK_IN_WINDOW_MS).code;
		expect(() => checkInByCode(db, r, `${id}-${old}`, T0)).toThrow('WRONG_CODE');
		expect(present(db)).toBe(0);
		expect(checkInByCode(db, r, `${id}-${checkInCodeAt(m, T0).code}`, T0)).toBe(id);
		expect(present(db)).toBe(1);
		expect(() => checkInByCode(db, r, `999999-${checkInCodeAt(m, T0).code}`, T0)).toThrow('NOT_FOUND');
	});

	it('shows the current code to those who run the meeting and to the public projector, not to residents', async () => {
		const db = await demoDb();
		const id = meetingOf(db, 'villagerAssembly');
		const m = getMeeting(db, id);
		const shown = showCheckInCode(db, staff(db, 'facilitator'), id, {}, T0 + 1000);
		expect(shown).toEqual({
			rotating: true,
			code: checkInCodeAt(m, T0).code,
			path: `/j/${id}-${checkInCodeAt(m, T0).code}`,
			changesAt: T0 + CHECK_IN_WINDOW_MS,
			serverNow: T0 + 1000
		});
		expect(showCheckInCode(db, null, id, { code: m.joinCode }, T0 + 1000).code).toBe(shown.code);
		expect(() => showCheckInCode(db, residentActor(db, '1栋'), id, {}, T0)).toThrow('FORBIDDEN');
		expect(() => showCheckInCode(db, null, id, { code: 'aaaaaaaa' }, T0)).toThrow('UNAUTHENTICATED');
	});
});
