/**
 * Response headers that keep personal data off disks and keep the site on HTTPS: every page and data
 * request of a logged-in session says `Cache-Control: private, no-store` (a shared phone or a proxy
 * must not keep a roster, points or a meeting after logout), and an https ORIGIN gets HSTS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting } from '$lib/server/domain/meetings';
import { issueInvitation } from '$lib/server/domain/accounts';
import { login } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { startServer, type TestServer } from '../helpers/server';

const ORIGIN = 'https://yizhan.example.cn';
let https: TestServer;
let plain: TestServer;
let db: Db;
let meetingId: number;
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	[https, plain] = await Promise.all([startServer({ env: { ORIGIN } }), startServer()]);
	db = openDatabase(https.dbPath);
	const f = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
	meetingId = createMeeting(db, loadActor(db, f), {
		title: '1栋议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
});
afterAll(async () => {
	db?.$client.close();
	await Promise.all([https?.cleanup(), plain?.cleanup()]);
});

/** Logs in through the https server (its form check wants the public origin). */
async function staffCookie(username: string) {
	const res = await fetch(`${https.url}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ username, password: 'yizhan-demo' })
	});
	const pair = res.headers
		.getSetCookie()
		.find((c) => c.startsWith('yizhan_session='))
		?.split(';')[0];
	if (!pair) throw new Error(`login as ${username} failed: ${res.status}`);
	return pair;
}

const STAFF_PAGES = [
	'/',
	'/admin',
	'/admin/households',
	'/admin/staff',
	'/admin/invitations',
	'/admin/audit',
	'/admin/points',
	'/points',
	'/meetings',
	'/meetings/{m}',
	'/meetings/{m}/minutes',
	'/m/{m}',
	'/m/{m}/console',
	'/m/{m}/attendance',
	'/followups',
	'/proposals',
	'/dispatches',
	'/dashboard',
	'/rules',
	'/settings',
	'/points/__data.json',
	'/admin/households/__data.json'
];
const RESIDENT_PAGES = [
	'/',
	'/points',
	'/m/{m}',
	'/followups',
	'/proposals',
	'/settings',
	'/meetings/{m}/minutes'
];

describe('response headers', () => {
	it('sends Cache-Control: private, no-store on every page of a logged-in session', async () => {
		const admin = await staffCookie('admin');
		const resident = cookieFor(1);
		const missing: string[] = [];
		for (const [cookie, pages] of [
			[admin, STAFF_PAGES],
			[resident, RESIDENT_PAGES]
		] as const)
			for (const path of pages) {
				const url = https.url + path.replace('{m}', String(meetingId));
				const res = await fetch(url, { redirect: 'manual', headers: { cookie } });
				await res.arrayBuffer();
				const cc = res.headers.get('cache-control') ?? '';
				if (res.status >= 500 || !/\bprivate\b/.test(cc) || !/\bno-store\b/.test(cc))
					missing.push(`${path} ${res.status} "${cc}"`);
			}
		expect(missing).toEqual([]);
	});

	it('keeps pages that name a person out of caches without a session too', async () => {
		const { token } = issueInvitation(db, { residentId: 2, kind: 'link', createdByUserId: null });
		for (const path of [`/join/${token}`, '/login']) {
			const res = await fetch(https.url + path, { redirect: 'manual' });
			expect(res.headers.get('cache-control') ?? '', path).toMatch(/private, no-store/);
		}
	});

	it('sends Strict-Transport-Security behind an https ORIGIN and not on plain http', async () => {
		const secure = await fetch(`${https.url}/login`);
		const hsts = secure.headers.get('strict-transport-security') ?? '';
		expect(hsts).toMatch(/max-age=(\d+)/);
		expect(Number(hsts.match(/max-age=(\d+)/)![1])).toBeGreaterThanOrEqual(31_536_000);
		const staff = await fetch(`${https.url}/admin`, { headers: { cookie: await staffCookie('admin') } });
		expect(staff.headers.get('strict-transport-security')).toBe(hsts);
		const insecure = await fetch(`${plain.url}/login`);
		expect(insecure.headers.get('strict-transport-security')).toBeNull();
		// The plain server still keeps a session's pages out of caches.
		const page = await fetch(`${plain.url}/points`, { headers: { cookie: await login(plain.url, 'admin') } });
		expect(page.headers.get('cache-control')).toMatch(/private, no-store/);
	});
});
