/**
 * Invitation links over a real server: opening one (a GET, which link-preview crawlers send too) never
 * uses up a single-use link and never replaces the session a phone already has; redeeming is a POST
 * after the page has said whose invitation it is. A printed card on a phone without a session still
 * logs in at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { attendance, invitation, resident, session } from '$lib/server/db/schema';
import { issueInvitation } from '$lib/server/domain/accounts';
import { hashToken } from '$lib/server/session';
import { login, postForm, sessionCookie } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
let db: Db;

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

const residentName = (id: number) => db.select().from(resident).where(eq(resident.id, id)).get()!.name;
const usedAt = (token: string) =>
	db
		.select()
		.from(invitation)
		.where(eq(invitation.tokenHash, hashToken(token)))
		.get()!.usedAt;
const sessionCount = () => db.select({ n: count() }).from(session).get()!.n;
const sessionIdOf = (cookie: string) => hashToken(cookie.split('=')[1]);
const hasSession = (cookie: string) =>
	db
		.select()
		.from(session)
		.where(eq(session.id, sessionIdOf(cookie)))
		.get() !== undefined;

function open(path: string, cookie?: string) {
	return fetch(server.url + path, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

describe('invitation links', () => {
	it('never uses up a single-use link on GET: crawlers may fetch it, the resident still redeems it', async () => {
		const { token } = issueInvitation(db, { residentId: 3, kind: 'link', createdByUserId: null });
		const before = sessionCount();
		for (let i = 0; i < 3; i++) {
			const res = await open(`/join/${token}`);
			expect(res.status).toBe(200);
			expect(sessionCookie(res)).toBeUndefined();
			const html = await res.text();
			expect(html).toContain(`以 ${residentName(3)} 的身份登录`);
			expect(html).toMatch(/<form[^>]*method="POST"/i);
		}
		expect(usedAt(token)).toBeNull();
		expect(sessionCount()).toBe(before);

		const redeemed = await postForm(`${server.url}/join/${token}`, {});
		expect(redeemed.status).toBe(303);
		expect(redeemed.headers.get('location')).toBe('/');
		expect(sessionCookie(redeemed)).toBeTruthy();
		expect(usedAt(token)).not.toBeNull();
		// Once used, a second POST is refused with a coded error and makes no session.
		const again = await postForm(`${server.url}/join/${token}`, {});
		expect(again.status).toBe(400);
		expect(sessionCookie(again)).toBeUndefined();
		expect(await again.text()).toContain('INVITATION_USED');
	});

	it('asks before a link replaces a logged-in session, and keeps that session on GET', async () => {
		const staff = await login(server.url, 'facilitator');
		const card = issueInvitation(db, { residentId: 4, kind: 'card', createdByUserId: null });
		const res = await open(`/join/${card.token}`, staff);
		expect(res.status).toBe(200);
		// At most the same session's cookie refreshed (every request slides it), never another one.
		expect([undefined, staff]).toContain(sessionCookie(res));
		const html = await res.text();
		expect(html).toContain(`以 ${residentName(4)} 的身份登录`);
		expect(html).toContain('主持人 李春华'); // who is logged in now, and would be logged out
		expect(hasSession(staff)).toBe(true);
		const home = await open('/', staff);
		expect(await home.text()).toContain('主持人 李春华');

		// Confirming with the POST switches: the staff session ends, the resident's begins.
		const switched = await postForm(`${server.url}/join/${card.token}`, {}, staff);
		expect(switched.status).toBe(303);
		const residentCookie = sessionCookie(switched)!;
		expect(residentCookie).toBeTruthy();
		expect(hasSession(staff)).toBe(false);
		expect(hasSession(residentCookie)).toBe(true);
	});

	it('sends a phone already logged in as the card’s resident home without a new session', async () => {
		const card = issueInvitation(db, { residentId: 5, kind: 'card', createdByUserId: null });
		const first = sessionCookie(await open(`/join/${card.token}`))!;
		expect(first).toBeTruthy();
		const before = sessionCount();
		const again = await open(`/join/${card.token}`, first);
		expect(again.status).toBe(303);
		expect(again.headers.get('location')).toBe('/');
		expect([undefined, first]).toContain(sessionCookie(again));
		expect(sessionCount()).toBe(before);
	});

	it('logs a fresh phone in from a printed card in one GET, and checks nobody in', async () => {
		const card = issueInvitation(db, { residentId: 6, kind: 'card', createdByUserId: null });
		const attendanceBefore = db.select({ n: count() }).from(attendance).get()!.n;
		const res = await open(`/join/${card.token}`);
		expect(res.status).toBe(303);
		expect(sessionCookie(res)).toBeTruthy();
		expect(db.select({ n: count() }).from(attendance).get()!.n).toBe(attendanceBefore);
	});

	it('refuses a forged token on GET and POST with a coded error in Chinese and English, storing nothing', async () => {
		const before = sessionCount();
		const forged = '/join/' + 'c'.repeat(40);
		const page = await open(forged);
		expect(await page.text()).toContain('这个邀请链接无效');
		const posted = await postForm(server.url + forged, {});
		expect(posted.status).toBe(400);
		expect(sessionCookie(posted)).toBeUndefined();
		expect(await posted.text()).toContain('INVITATION_INVALID');
		const en = await fetch(server.url + forged, { headers: { cookie: 'PARAGLIDE_LOCALE=en' } });
		expect(await en.text()).toContain('This invitation link is not valid');
		expect(sessionCount()).toBe(before);
	});
});
