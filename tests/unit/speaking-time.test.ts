import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { meeting } from '$lib/server/db/schema';
import { giveFloor, markAttendance, raiseHand, setSpeechLimit } from '$lib/server/domain/attendance';
import { closeMeeting } from '$lib/server/domain/meetings';
import { meetingState } from '$lib/server/domain/meeting-state';
import { generateMinutes } from '$lib/server/domain/minutes-content';
import { openDemoMeeting, residentActor } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const MIN = 60_000;

describe('speaking time (发言限时)', () => {
	it('gives each speaker the limit with the server’s start time, and records how long they spoke', async () => {
		const { db, docs, f, meetingId } = await openDemoMeeting(T0);
		const [a, b] = [0, 1].map((i) => residentActor(db, '1栋', i));
		for (const r of [a, b]) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		setSpeechLimit(db, f, meetingId, 180, T0);
		const first = raiseHand(db, a, meetingId, T0);
		const second = raiseHand(db, b, meetingId, T0 + 1);

		giveFloor(db, f, meetingId, first, T0 + MIN);
		const state = meetingState(db, meetingId, T0 + MIN + 5_000);
		expect(state.meeting.speechLimitSeconds).toBe(180);
		expect(state.speakers.find((s) => s.id === first)).toMatchObject({
			status: 'speaking',
			startedAt: T0 + MIN,
			limitSeconds: 180
		});
		expect(state.timer.serverNow).toBe(T0 + MIN + 5_000);

		// A longer limit mid-turn applies to the speaker at the lectern too.
		setSpeechLimit(db, f, meetingId, 240, T0 + 2 * MIN);
		giveFloor(db, f, meetingId, second, T0 + 5 * MIN);
		setSpeechLimit(db, f, meetingId, null, T0 + 5 * MIN + 1);
		giveFloor(db, f, meetingId, null, T0 + 6 * MIN);
		closeMeeting(db, docs, f, meetingId, T0 + 7 * MIN);

		const speakers = generateMinutes(db, docs, meetingId).speakers;
		expect(speakers).toEqual([
			{ name: a.displayName, raisedAt: T0, spokeMs: 4 * MIN, limitSeconds: 240 },
			{ name: b.displayName, raisedAt: T0 + 1, spokeMs: MIN, limitSeconds: null }
		]);
	});

	it('refuses a limit from anyone but those who run the meeting, or out of range, changing nothing', async () => {
		const { db, f, meetingId } = await openDemoMeeting(T0);
		const r = residentActor(db, '1栋', 0);
		const limit = () => db.select().from(meeting).where(eq(meeting.id, meetingId)).get()!.speechLimitSeconds;
		expect(() => setSpeechLimit(db, r, meetingId, 180, T0)).toThrow('FORBIDDEN');
		for (const bad of [0, 9, 3601, 1.5, Number.NaN])
			expect(() => setSpeechLimit(db, f, meetingId, bad, T0)).toThrow('INVALID_INPUT');
		expect(limit()).toBeNull();
		setSpeechLimit(db, f, meetingId, 120, T0);
		expect(limit()).toBe(120);
	});
});
