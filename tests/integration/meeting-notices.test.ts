/**
 * 会议通知 over HTTP: the printable notice of a public meeting opens without a login (it is on the door
 * anyway) with the agenda, a QR code and preview metadata for a pasted WeChat link; the calendar file and
 * the preview picture come with it; moving the meeting issues a new version and the old one says it is
 * no longer valid; residents cannot move it, bad input changes nothing, and a private meeting's notice
 * needs an account of its scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { addItem, listItems } from '$lib/agenda';
import { openDatabase, type Db } from '$lib/server/db';
import { meeting, meetingNotice, resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { agendaDocName, createMeeting } from '$lib/server/domain/meetings';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { providerFor, synced, until } from '../helpers/yjs';

let server: TestServer;
let db: Db;
let chair = '';
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	chair = await login(server.url, 'facilitator');
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

const START = Date.UTC(2027, 0, 12, 11, 30); // 19:30 in China
function callMeeting(isPublic = true) {
	const f = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	return createMeeting(db, f, {
		title: '1栋讨论电动车停放',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(START),
		place: '1栋架空层',
		votingUnit: 'household',
		isPublic
	});
}
const anonymous = (path: string) => fetch(server.url + path, { redirect: 'manual' });
const versions = (id: number) =>
	db.select().from(meetingNotice).where(eq(meetingNotice.meetingId, id)).all().length;
const firstResidentOf1 = () => db.select({ id: resident.id }).from(resident).orderBy(resident.id).get()!.id;

describe('meeting notices over HTTP', () => {
	it('prints a public meeting’s notice for anyone, with its agenda, a QR code and link preview', async () => {
		const id = callMeeting();
		// The committee's agenda, typed live as in the console.
		// A second reader seeing it means the server stored it (documents are stored before relayed).
		const [writer, reader] = [0, 1].map(() => providerFor(server.url, agendaDocName(id), chair));
		await Promise.all([synced(writer), synced(reader)]);
		addItem(writer.doc, { title: '电动车停放和充电' });
		await until(reader.doc, () => listItems(reader.doc).length === 1);
		writer.destroy();
		reader.destroy();

		const res = await anonymous(`/meetings/${id}/notice`);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('1栋讨论电动车停放');
		expect(html).toContain('地点：1栋架空层');
		expect(html).toContain('电动车停放和充电');
		expect(html).toContain('<svg');
		expect(html).toMatch(/<meta property="og:title" content="会议通知：1栋讨论电动车停放"/);
		expect(html).toMatch(new RegExp(`<meta property="og:image" content="[^"]+/meetings/${id}/notice\\.png"`));
		expect(html).toContain('data-notice-version="1"');

		const png = await anonymous(`/meetings/${id}/notice.png`);
		expect(png.headers.get('content-type')).toBe('image/png');
		expect(
			Buffer.from(await png.arrayBuffer())
				.subarray(1, 4)
				.toString()
		).toBe('PNG');

		const ics = await anonymous(`/meetings/${id}/notice.ics`);
		expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
		const text = await ics.text();
		expect(text).toContain('SUMMARY:1栋讨论电动车停放');
		expect(text).toContain('DTSTART:20270112T113000Z');
	});

	it('issues a new version when the facilitator moves the meeting; the old one says it is void', async () => {
		const id = callMeeting();
		const res = await postForm(
			`${server.url}/meetings/${id}?/reschedule`,
			{ startsAt: '2027-01-13T19:00', place: '社区活动室' },
			chair
		);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('已发出第 2 版通知。');
		expect(db.select().from(meeting).where(eq(meeting.id, id)).get()).toMatchObject({
			place: '社区活动室',
			startsAt: new Date(Date.UTC(2027, 0, 13, 11))
		});
		const current = await (await anonymous(`/meetings/${id}/notice`)).text();
		expect(current).toContain('data-notice-version="2"');
		expect(current).toContain('地点：社区活动室');
		expect(current).not.toContain('data-superseded');
		const old = await (await anonymous(`/meetings/${id}/notice?v=1`)).text();
		expect(old).toContain('data-superseded');
		expect(old).toContain('这份通知已经作废');
		expect(old).toContain('地点：1栋架空层');
		expect(await (await anonymous(`/meetings/${id}/notice.ics`)).text()).toContain('SEQUENCE:1');
	});

	it('refuses a resident and bad input with coded errors, changing nothing', async () => {
		const id = callMeeting();
		const resident1 = cookieFor(firstResidentOf1());
		const byResident = await postForm(
			`${server.url}/meetings/${id}?/reschedule`,
			{ startsAt: '2027-01-13T19:00', place: '别处' },
			resident1
		);
		expect(byResident.status).toBe(403);
		const bad = await postForm(
			`${server.url}/meetings/${id}?/reschedule`,
			{ startsAt: '下周三', place: '别处' },
			chair
		);
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain('填写的内容有误');
		expect(versions(id)).toBe(1);
		expect(db.select().from(meeting).where(eq(meeting.id, id)).get()!.place).toBe('1栋架空层');
	});

	it('keeps a private meeting’s notice, calendar and picture from anonymous visitors', async () => {
		const id = callMeeting(false);
		for (const path of ['notice', 'notice.ics', 'notice.png'])
			expect((await anonymous(`/meetings/${id}/${path}`)).status).toBe(404);
		const res = await fetch(`${server.url}/meetings/${id}/notice`, {
			headers: { cookie: cookieFor(firstResidentOf1()) }
		});
		expect(res.status).toBe(200);
		expect(await anonymous('/meetings/abc/notice')).toHaveProperty('status', 404);
	});
});
