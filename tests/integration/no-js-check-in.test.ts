/**
 * 签到 from a phone without JavaScript: the meeting page's check-in form posts the code typed from the
 * screen and the page comes back saying 已签到; a wrong code is refused in words and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { attendance, resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting, getMeeting, openMeeting } from '$lib/server/domain/meetings';
import { startServer, type TestServer } from '../helpers/server';
import { postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';

let server: TestServer;
let db: Db;
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

function liveMeeting() {
	const f = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	const id = createMeeting(db, f, {
		title: '1栋议事会（无脚本签到）',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true,
		rotatingCheckIn: false
	});
	openMeeting(db, f, id);
	return { id, code: getMeeting(db, id).joinCode };
}
const present = (meetingId: number, residentId: number) =>
	db
		.select()
		.from(attendance)
		.where(and(eq(attendance.meetingId, meetingId), eq(attendance.residentId, residentId)))
		.get()?.present ?? false;

describe('check-in without JavaScript', () => {
	it('checks a resident in from the form and shows the page as checked in', async () => {
		const { id, code } = liveMeeting();
		const residentId = db.select({ id: resident.id }).from(resident).orderBy(resident.id).get()!.id;
		const cookie = cookieFor(residentId);
		const page = await (await fetch(`${server.url}/m/${id}`, { headers: { cookie } })).text();
		// The form can be sent without scripts: it posts, and its button is not disabled.
		expect(page).toMatch(/<form[^>]*class="check-in[^"]*"[^>]*method="POST"[^>]*action="\?\/checkIn"/);
		expect(page).not.toMatch(/<button[^>]*disabled[^>]*>签到/);
		expect(page).not.toMatch(/class="checked[^"]*"[^>]*role="status"/);

		const wrong = await postForm(`${server.url}/m/${id}?/checkIn`, { code: 'zzzzzzzz' }, cookie);
		expect(wrong.status).toBe(400);
		expect(await wrong.text()).toContain('签到码不对');
		expect(present(id, residentId)).toBe(false);

		const res = await postForm(`${server.url}/m/${id}?/checkIn`, { code }, cookie);
		expect(res.status).toBe(200);
		expect(await res.text()).toMatch(/class="checked[^"]*"[^>]*role="status"/);
		expect(present(id, residentId)).toBe(true);
	});

	it('refuses a visitor without an account, storing nothing', async () => {
		const { id, code } = liveMeeting();
		const res = await postForm(`${server.url}/m/${id}?/checkIn`, { code });
		expect(res.status).toBe(401);
		expect(db.select().from(attendance).where(eq(attendance.meetingId, id)).all()).toEqual([]);
	});
});
