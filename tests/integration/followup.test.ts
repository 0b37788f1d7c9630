/**
 * Following a resolution to its end over the real server: the facilitator assigns it and whistles to
 * a department; the department's liaison accepts, handles and reports with a photo; residents rate it
 * once each; the rating round ends (here: across a restart) and the item reopens for too few satisfied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { openDatabase, type Db } from '$lib/server/db';
import { dispatch, dispatchEvent, followUp, followUpPhoto, rating, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { markAttendance } from '$lib/server/domain/attendance';
import { castBallot } from '$lib/server/domain/ballots';
import { createMeeting, openMeeting } from '$lib/server/domain/meetings';
import { openPoll } from '$lib/server/domain/polls';
import { closePoll } from '$lib/server/domain/resolutions';
import { DEFAULT_RULES } from '$lib/server/domain/tally';
import { createYjsServer } from '$lib/server/yjs';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';

let server: TestServer;
let db: Db;
const { cookieFor, actorOf } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

/** A resolution passed in a 1栋 meeting (made through the domain on the server's database). */
async function passedResolution(residentIds: number[]) {
	const docs = createYjsServer({ db });
	const f = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	const meetingId = createMeeting(db, f, {
		title: '1栋议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	openMeeting(db, f, meetingId);
	for (const id of residentIds) markAttendance(db, f, meetingId, id, true);
	const q = { meetingId, agendaItemId: null, question: '修好1栋路口的灯', type: 'yesNoAbstain' as const };
	const pollId = openPoll(db, docs, f, { ...q, rules: DEFAULT_RULES, durationSeconds: null });
	residentIds.forEach((id, i) =>
		castBallot(db, actorOf(id), {
			pollId,
			ballotId: `it-fu-${i}-xxxxx`,
			receipt: `abcdefghj${'kmnpqr'[i]}`,
			choices: ['yes']
		})
	);
	const resolutionId = closePoll(db, f, pollId);
	await docs.close();
	return db.select().from(followUp).where(eq(followUp.resolutionId, resolutionId)).get()!;
}

async function postMultipart(url: string, fields: Record<string, string | Blob>, cookie: string) {
	const body = new FormData();
	for (const [k, v] of Object.entries(fields)) body.append(k, v);
	return fetch(url, {
		method: 'POST',
		body,
		redirect: 'manual',
		headers: { origin: new URL(url).origin, accept: 'text/html', cookie }
	});
}

describe('follow-up, dispatch and rating', () => {
	it('goes from passed to dispatched, handled with a photo, rated once each, and reopens when too few are satisfied', async () => {
		const residentIds = [1, 2, 3, 4];
		const fu = await passedResolution(residentIds);
		const facilitator = await login(server.url, 'facilitator');
		const liaison = await login(server.url, 'liaison');
		const base = `${server.url}/followups/${fu.id}`;

		await postForm(
			`${base}?/assign`,
			{ form: 'assign', kind: 'department', ownerDepartmentId: '1', dueOn: '2099-12-31' },
			facilitator
		);
		await postForm(
			`${base}?/dispatch`,
			{
				form: 'dispatch',
				resolutionId: String(fu.resolutionId),
				departmentId: '1',
				message: '路口需要一盏路灯',
				deadline: '2099-12-31'
			},
			facilitator
		);
		// A department that does not exist changes nothing.
		await postForm(
			`${base}?/dispatch`,
			{ resolutionId: String(fu.resolutionId), departmentId: '999', message: 'x', deadline: '2099-12-31' },
			facilitator
		);
		const [d] = db.select().from(dispatch).all();
		expect(db.select().from(dispatch).all()).toHaveLength(1);
		expect(
			await (await fetch(`${server.url}/dispatches`, { headers: { cookie: liaison } })).text()
		).toContain('路口需要一盏路灯');

		// Handling before accepting is refused; then accept and handle.
		const step = (s: string, text = '') =>
			postForm(`${server.url}/dispatches/${d.id}`, { step: s, text }, liaison);
		const early = await step('handle', '好了');
		expect(early.status).toBe(400);
		await step('accept');
		await step('handle', '已安装路灯');
		expect(db.select().from(dispatch).where(eq(dispatch.id, d.id)).get()!.status).toBe('handled');
		expect(
			db
				.select({ k: dispatchEvent.kind })
				.from(dispatchEvent)
				.all()
				.map((e) => e.k)
		).toEqual(['sent', 'accepted', 'handled']);

		// The liaison (owner by department) reports done with a photo; a resident cannot report.
		const photo = new Blob(
			[
				await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } })
					.jpeg()
					.toBuffer()
			],
			{ type: 'image/jpeg' }
		);
		const resident = cookieFor(residentIds[0]);
		expect((await postMultipart(`${base}?/report`, { text: '我来报', percent: '50' }, resident)).status).toBe(
			400
		);
		expect(
			(
				await postMultipart(
					`${base}?/report`,
					{ text: '路灯已装好', percent: '100', done: 'on', photos: photo },
					liaison
				)
			).status
		).toBe(200);
		expect(db.select().from(followUp).where(eq(followUp.id, fu.id)).get()!.status).toBe('done');
		const [p] = db.select().from(followUpPhoto).all();
		const img = await fetch(`${server.url}/followups/photo/${p.id}`, { headers: { cookie: resident } });
		expect(img.headers.get('content-type')).toBe('image/jpeg');
		expect((await fetch(`${server.url}/followups/photo/${p.id}`)).status).toBe(403);

		// Residents rate once each: one satisfied, two not (1 of 3 is below 60%).
		const rate = (id: number, grade: string, comment = '') =>
			postForm(`${base}?/rate`, { grade, comment }, cookieFor(id));
		await rate(residentIds[0], 'satisfied');
		await rate(residentIds[1], 'unsatisfied', '灯太暗');
		await rate(residentIds[2], 'unsatisfied');
		expect((await rate(residentIds[0], 'unsatisfied')).status).toBe(400);
		expect(db.select().from(rating).all()).toHaveLength(3);

		// The round's time runs out; the server's sweep ends it when it starts again.
		db.update(followUp)
			.set({ ratingClosesAt: new Date(Date.now() - 1000) })
			.where(eq(followUp.id, fu.id))
			.run();
		server = await server.restart();
		expect(db.select().from(followUp).where(eq(followUp.id, fu.id)).get()!.status).toBe('reopened');
		const page = await (
			await fetch(`${server.url}/followups/${fu.id}`, { headers: { cookie: resident } })
		).text();
		expect(page).toContain('灯太暗');
	});
});
