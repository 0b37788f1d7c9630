/**
 * The login and invitation limits over a real server, with requests arriving together the way a script
 * sends them. Each test speaks from its own client address (X-Forwarded-For, honoured through
 * adapter-node's ADDRESS_HEADER), so one test's counters never spill into another's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { household, resident, session, user } from '$lib/server/db/schema';
import { issueInvitation } from '$lib/server/domain/accounts';
import { sessionCookie } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
let db: Db;

beforeAll(async () => {
	server = await startServer({ env: { ADDRESS_HEADER: 'x-forwarded-for' } });
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

const loginFrom = (address: string, username: string, password: string) =>
	fetch(`${server.url}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: server.url,
			accept: 'text/html',
			'x-forwarded-for': address,
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams({ username, password })
	});

const openFrom = (address: string, path: string) =>
	fetch(server.url + path, { redirect: 'manual', headers: { 'x-forwarded-for': address } });

const sessionsOf = (username: string) =>
	db
		.select({ n: count() })
		.from(session)
		.innerJoin(user, eq(session.userId, user.id))
		.where(eq(user.username, username))
		.get()!.n;

/** `n` residents of 1栋, each in a household of their own, with a printed card each. */
function residentsWithCards(n: number, tag: string): string[] {
	const paths: string[] = [];
	for (let i = 0; i < n; i++) {
		const h = db
			.insert(household)
			.values({ buildingId: 1, unit: `${tag}-${i}` })
			.returning()
			.get();
		const r = db
			.insert(resident)
			.values({ householdId: h.id, name: `住户${tag}${i}`, birthYear: 1960 })
			.returning()
			.get();
		const { token } = issueInvitation(db, { residentId: r.id, kind: 'card', createdByUserId: null });
		paths.push(`/join/${token}`);
	}
	return paths;
}

describe('login limit under parallel guesses', () => {
	it('evaluates at most 5 of 50 passwords sent at once for one account from one address', async () => {
		const before = sessionsOf('committee');
		const guesses = [...Array.from({ length: 49 }, (_, i) => `wrong-guess-${i}`), 'yizhan-demo'];
		const answers = await Promise.all(guesses.map((p) => loginFrom('203.0.113.7', 'committee', p)));
		const statuses = answers.map((a) => a.status);
		const evaluated = statuses.filter((s) => s !== 429);
		expect(evaluated.length).toBeLessThanOrEqual(5);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(45);
		// Only an evaluated request can have made a session, so the right password had to be among the five.
		const made = answers.filter((a) => sessionCookie(a)).length;
		expect(made).toBe(sessionsOf('committee') - before);
		expect(made).toBeLessThanOrEqual(1);
	});

	it('still refuses the right password once five wrong ones were tried, and another address is not held back', async () => {
		for (let i = 0; i < 5; i++)
			expect((await loginFrom('203.0.113.8', 'officer', `nope-${i}`)).status).toBe(400);
		const refused = await loginFrom('203.0.113.8', 'officer', 'yizhan-demo');
		expect(refused.status).toBe(429);
		expect(sessionCookie(refused)).toBeUndefined();
		expect(await refused.text()).toContain('RATE_LIMITED');
		expect(sessionCookie(await loginFrom('203.0.113.9', 'officer', 'yizhan-demo'))).toBeTruthy();
	});

	it('does not count a right password against the limit', async () => {
		// Ten successful logins in a row: a staff member on a shared office computer is never locked out.
		for (let i = 0; i < 10; i++)
			expect(sessionCookie(await loginFrom('203.0.113.10', 'liaison', 'yizhan-demo'))).toBeTruthy();
		for (let i = 0; i < 4; i++) await loginFrom('203.0.113.10', 'liaison', `nope-${i}`);
		expect(sessionCookie(await loginFrom('203.0.113.10', 'liaison', 'yizhan-demo'))).toBeTruthy();
	});
});

describe('invitation limit counts failures, not residents', () => {
	it('lets 400 residents behind one address each redeem their own card', async () => {
		const paths = residentsWithCards(400, 'nat');
		const cookies: Array<string | undefined> = [];
		// A courtyard's worth of phones, twenty at a time.
		for (let i = 0; i < paths.length; i += 20) {
			const batch = await Promise.all(paths.slice(i, i + 20).map((p) => openFrom('198.51.100.20', p)));
			cookies.push(...batch.map((res) => sessionCookie(res)));
		}
		expect(cookies.filter(Boolean).length).toBe(400);
	});

	it('refuses an address after 60 failed redemptions, storing nothing, while other addresses go on', async () => {
		const sessionsBefore = db.select({ n: count() }).from(session).get()!.n;
		const bad = (i: number) => `/join/${'a'.repeat(20 + i)}`;
		const answers = await Promise.all(
			Array.from({ length: 80 }, (_, i) => openFrom('198.51.100.30', bad(i)))
		);
		const texts = await Promise.all(answers.map((a) => a.text()));
		expect(texts.filter((t) => t.includes('INVITATION_INVALID')).length).toBeLessThanOrEqual(60);
		expect(texts.filter((t) => t.includes('RATE_LIMITED')).length).toBeGreaterThanOrEqual(20);
		// While refused, the address cannot redeem even a good card; another address can.
		const [good] = residentsWithCards(1, 'blocked');
		expect(sessionCookie(await openFrom('198.51.100.30', good))).toBeUndefined();
		expect(db.select({ n: count() }).from(session).get()!.n).toBe(sessionsBefore);
		expect(sessionCookie(await openFrom('198.51.100.31', good))).toBeTruthy();
	});
});
