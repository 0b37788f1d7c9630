/**
 * What the notice board links must open without a login: the signed (frozen) minutes of a public
 * meeting, as a page and as minutes.md, and the list of published village rules. Residents' names
 * stay off the public copy, as on the resolution pages (which name nobody: voters are receipts);
 * drafts, and the minutes of a meeting that is not public, still need an account of its scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { minutes, resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { giveFloor, markAttendance, raiseHand } from '$lib/server/domain/attendance';
import { createMeeting, openMeeting } from '$lib/server/domain/meetings';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { ok, socketPool } from '../helpers/sockets';

let server: TestServer;
let db: Db;
let chair = '';
const pool = socketPool(() => server.url);
const { cookieFor, actorOf } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	chair = await login(server.url, 'facilitator');
});
afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
});

const facilitator = () =>
	loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
/** Two residents of 1栋, by id. */
const twoResidents = () =>
	db.select({ id: resident.id, name: resident.name }).from(resident).orderBy(resident.id).limit(2).all();

/** A closed meeting of 1栋 where the first resident spoke; minutes frozen unless `sign` is false. */
async function meetingWithMinutes({ isPublic, sign }: { isPublic: boolean; sign: boolean }) {
	const f = facilitator();
	const meetingId = createMeeting(db, f, {
		title: isPublic ? '公开的议事会' : '不公开的议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic
	});
	openMeeting(db, f, meetingId);
	const people = twoResidents();
	for (const p of people) markAttendance(db, f, meetingId, p.id, true);
	giveFloor(db, f, meetingId, raiseHand(db, actorOf(people[0].id), meetingId));
	const console_ = await pool.connected(chair);
	await ok(console_, 'meeting:close', { meetingId });
	console_.close();
	const form = (cookie: string, action: string, fields: Record<string, string> = {}) =>
		postForm(`${server.url}/meetings/${meetingId}/minutes?/${action}`, fields, cookie);
	expect((await form(chair, 'save', { summary: '同意更换楼道灯。' })).status).toBeLessThan(400);
	if (sign) {
		for (const cookie of [chair, cookieFor(people[0].id), cookieFor(people[1].id)])
			expect((await form(cookie, 'sign')).status).toBeLessThan(400);
		expect(db.select().from(minutes).where(eq(minutes.meetingId, meetingId)).get()?.status).toBe('signed');
	}
	return { meetingId, names: people.map((p) => p.name) };
}

const anonymous = (path: string) => fetch(server.url + path, { redirect: 'manual' });

describe('public records without a login', () => {
	it('shows the frozen minutes of a public meeting to anyone, without residents’ names', async () => {
		const { meetingId, names } = await meetingWithMinutes({ isPublic: true, sign: true });
		const page = await anonymous(`/meetings/${meetingId}/minutes`);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('同意更换楼道灯。');
		for (const name of names) expect(html).not.toContain(name);

		const md = await anonymous(`/meetings/${meetingId}/minutes/minutes.md`);
		expect(md.status).toBe(200);
		const text = await md.text();
		expect(text).toContain('同意更换楼道灯。');
		for (const name of names) expect(text).not.toContain(name);

		// Those who may view the meeting still read the names.
		const own = await fetch(`${server.url}/meetings/${meetingId}/minutes`, { headers: { cookie: chair } });
		expect(await own.text()).toContain(names[0]);
	});

	it('keeps drafts and the minutes of a meeting that is not public behind a login', async () => {
		const draft = await meetingWithMinutes({ isPublic: true, sign: false });
		expect((await anonymous(`/meetings/${draft.meetingId}/minutes`)).status).toBe(401);
		expect((await anonymous(`/meetings/${draft.meetingId}/minutes/minutes.md`)).status).toBe(401);
		const closed = await meetingWithMinutes({ isPublic: false, sign: true });
		expect((await anonymous(`/meetings/${closed.meetingId}/minutes`)).status).toBe(401);
		expect((await anonymous(`/meetings/${closed.meetingId}/minutes/minutes.md`)).status).toBe(401);
	});

	it('lists a community’s published rules to anyone', async () => {
		const res = await anonymous('/rules/published?community=1');
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('已公布的村规民约');
		// Without a community, a visitor picks one from the list.
		const pick = await anonymous('/rules/published');
		expect(pick.status).toBe(200);
		expect(await pick.text()).toContain('湖畔社区');
		expect((await anonymous('/rules/published?community=999')).status).toBe(404);
	});
});
