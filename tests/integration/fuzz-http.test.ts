/**
 * Odd values to every form action, endpoint and page load. The routes are found by
 * scanning src/routes (+page.server.ts `actions`, +server.ts handlers), so a new action is fuzzed
 * without a change here. Fields (empty, huge, unicode, negative, NaN, repeated, missing, files) are
 * posted as the admin, a resident and nobody; route parameters get real ids and hostile ones. No
 * answer may be a 5xx, a refused action answers a known code, and a refusal changes nothing in the
 * database. Seeded: FUZZ_SEED / FUZZ_RUNS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting } from '$lib/server/domain/meetings';
import { fileProposal } from '$lib/server/domain/proposals';
import { startServer, type TestServer } from '../helpers/server';
import { residentsOf } from '../helpers/residents';
import { login, postForm } from '../helpers/http';
import {
	announceSeed,
	changedTables,
	dbDigest,
	fuzzParams,
	fuzzTimeout,
	healthy,
	hostileString,
	KNOWN_CODES,
	scanRoutes,
	type RouteFile
} from '../helpers/fuzz';

let server: TestServer;
let db: Db;
const cookies: Record<Role, string> = { admin: '', resident: '', anonymous: '' };
type Role = 'admin' | 'resident' | 'anonymous';
/** Real ids for route parameters, so the fuzzer gets past "not found" too. */
const real: Record<string, string[]> = {};

const routes = scanRoutes();
/** Ending the fuzzing session would turn the rest of the run into anonymous requests. */
const SKIPPED_ACTIONS = new Set(['/logout:default']);

beforeAll(async () => {
	announceSeed('http');
	server = await startServer();
	db = openDatabase(server.dbPath);
	cookies.admin = await login(server.url, 'admin');
	const { cookieFor, actorOf } = residentsOf(() => db);
	const residentId = (
		db.$client.prepare('select id from resident order by id limit 1').get() as { id: number }
	).id;
	cookies.resident = cookieFor(residentId);
	const facilitator = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	const meetingId = createMeeting(db, facilitator, {
		title: '模糊测试议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	const proposalId = fileProposal(db, actorOf(residentId), {
		title: '楼道灯坏了',
		description: '三楼的灯不亮',
		category: PROPOSAL_CATEGORY,
		about: { type: 'building', id: 1 }
	});
	const code = (
		db.$client.prepare('select join_code as c from meeting where id = ?').get(meetingId) as { c: string }
	).c;
	Object.assign(real, {
		id: [String(meetingId), String(proposalId), '1'],
		pollId: ['1'],
		communityId: ['1'],
		photoId: ['1'],
		code: [code],
		token: ['aaaaaaaaaaaaaaaaaaaaaaaaaa']
	});
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

const PROPOSAL_CATEGORY = 'facilities' as const;

const hostileParam = fc.constantFrom(
	'0',
	'-1',
	'1.5',
	'abc',
	'99999999999999999999',
	'%00',
	'%E0%A4%A',
	"1'or'1",
	'1e3',
	' 1'
);
const paramValue = (name: string) =>
	fc.oneof(
		{ weight: 2, arbitrary: fc.constantFrom(...(real[name] ?? ['1'])) },
		{ weight: 1, arbitrary: hostileParam }
	);

/** A concrete path for a route pattern like /m/[id]/poll/[pollId]. */
const pathFor = (route: string): fc.Arbitrary<string> => {
	const names = [...route.matchAll(/\[(\w+)\]/g)].map((m) => m[1]);
	if (!names.length) return fc.constant(route);
	return fc.tuple(...names.map(paramValue)).map((values) => {
		let i = 0;
		return route.replace(/\[(\w+)\]/g, () => values[i++]);
	});
};

/** Fields: a random subset of the names the file reads, each with a hostile value, some repeated. */
const fieldsFor = (r: RouteFile): fc.Arbitrary<Array<[string, string]>> =>
	fc
		.array(
			fc.tuple(
				fc.oneof(
					{ weight: 5, arbitrary: fc.constantFrom(...(r.fields.length ? r.fields : ['x'])) },
					fc.constantFrom('__proto__', 'x')
				),
				hostileString
			),
			{ maxLength: 8 }
		)
		.chain((pairs) =>
			fc
				.constantFrom('as is', 'repeat first')
				.map((how) => (how === 'repeat first' && pairs.length ? [...pairs, pairs[0]] : pairs))
		);

type Target = { kind: 'action'; route: RouteFile; action: string } | { kind: 'get'; route: RouteFile };
const targets: Target[] = [
	...routes.flatMap((r) =>
		r.actions
			.filter((a) => !SKIPPED_ACTIONS.has(`${r.route}:${a}`))
			.map((action) => ({ kind: 'action' as const, route: r, action }))
	),
	...routes
		.filter((r) => r.file.endsWith('+page.server.ts') || r.handlers.includes('GET'))
		.map((route) => ({ kind: 'get' as const, route }))
];

const stats = {
	resets: 0,
	requests: 0,
	accepted: 0,
	refused: 0,
	redirected: 0,
	byStatus: new Map<number, number>()
};

/** fetch, with the reason a response could not be read (e.g. HeadersOverflowError) in the message. */
async function fetchOrExplain(url: string, init: RequestInit, retried = false): Promise<Response> {
	try {
		return await fetch(url, init);
	} catch (e) {
		const cause = String((e as Error & { cause?: unknown }).cause ?? e);
		// Seen once in 3,000 long-run inputs (FUZZ_SEED=3, run 742, not when replayed alone): a pooled
		// keep-alive socket reset under load. Retried once, after a health check; twice fails the run.
		if (!retried && /ECONNRESET|socket hang up/.test(cause) && (await healthy(server.url))) {
			stats.resets++;
			return fetchOrExplain(url, init, true);
		}
		throw new Error(`fetch ${url} failed: ${cause}`, { cause: e });
	}
}

async function post(
	path: string,
	action: string,
	fields: Array<[string, string]>,
	cookie: string,
	multipart: boolean,
	html: boolean
) {
	const url = `${server.url}${path}${action === 'default' ? '' : `?/${action}`}`;
	let body: URLSearchParams | FormData;
	if (multipart) {
		body = new FormData();
		for (const [k, v] of fields) body.append(k, v);
		body.append('photos', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x3c, 0x73])]), '<script>.jpg');
		body.append('file', new Blob(['=cmd|x\n<script>alert(1)</script>,1']), 'roster.csv');
	} else body = new URLSearchParams(fields);
	return fetchOrExplain(url, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: server.url,
			// A phone without JavaScript posts the plain form and gets the page back.
			...(html ? { accept: 'text/html' } : { accept: 'application/json', 'x-sveltekit-action': 'true' }),
			...(cookie ? { cookie } : {})
		},
		body
	});
}

describe('form actions and endpoints under odd values', () => {
	it('found every action and endpoint in src/routes', () => {
		const actions = targets.filter((t) => t.kind === 'action').length;
		expect(actions).toBeGreaterThan(40);
		// A route with actions whose names the scan could not read would be silently unfuzzed.
		for (const r of routes) if (r.hasActions) expect(r.actions.length, r.file).toBeGreaterThan(0);
		console.log(`[fuzz] http targets: ${actions} actions, ${targets.length - actions} GET routes`);
	});

	// Regression (FUZZ_SEED=1, FUZZ_RUNS=1200): a 100 KB `back` field went into the Location header,
	// which Node's fetch refused (HeadersOverflowError) and a proxy would answer with 502.
	it('sends the browser back to a short path only', async () => {
		for (const [path, fields] of [
			['/settings?/elder', { elder: 'on' }],
			['/lang?/switch', { locale: 'en' }]
		] as const) {
			const res = await postForm(`${server.url}${path}`, { ...fields, back: '/' + 'x'.repeat(100_000) });
			expect(res.status, path).toBe(303);
			expect(res.headers.get('location')!.length, path).toBeLessThan(3000);
		}
	});

	it(
		'never answers 5xx; a refusal has a known code and changes nothing',
		async () => {
			const arb = fc.constantFrom(...targets).chain((t) =>
				fc.record({
					target: fc.constant(t),
					role: fc.constantFrom<Role>('admin', 'resident', 'anonymous'),
					path: pathFor(t.route.route),
					fields: fieldsFor(t.route),
					multipart: fc.nat(5).map((n) => n === 0),
					html: fc.nat(4).map((n) => n === 0),
					query: fc.option(hostileString, { nil: undefined })
				})
			);
			await fc.assert(
				fc.asyncProperty(arb, async ({ target, role, path, fields, multipart, html, query }) => {
					stats.requests++;
					const label = `${role} ${target.kind === 'action' ? `POST ${path}?/${target.action}` : `GET ${path}`} ${JSON.stringify(fields).slice(0, 200)}`;
					const before = dbDigest(server.dbPath);
					const res =
						target.kind === 'action'
							? await post(path, target.action, fields, cookies[role], multipart, html)
							: await fetchOrExplain(
									`${server.url}${path}${query === undefined ? '' : `?q=${encodeURIComponent(query)}&building=${encodeURIComponent(query)}`}`,
									{
										redirect: 'manual',
										headers: cookies[role] ? { cookie: cookies[role] } : {}
									}
								);
					stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
					const text = await res.text();
					expect(res.status, label).toBeLessThan(500);
					if (target.kind === 'get') return;
					if (html) {
						if (res.status < 400) return;
						stats.refused++;
						expect(changedTables(before, dbDigest(server.dbPath)), label).toEqual([]);
						return;
					}
					let result: { type: string; status?: number; data?: string; error?: { code?: string } };
					try {
						result = JSON.parse(text);
					} catch {
						// A 4xx page (e.g. 403 cross-site) rather than an ActionResult: no change allowed.
						expect(res.status, label).toBeGreaterThanOrEqual(400);
						result = { type: 'failure', status: res.status };
					}
					if (result.type === 'error') {
						// error(4xx) from a load or guard: the HTTP status says which; it carries a code too.
						expect(result.status ?? res.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
						expect(KNOWN_CODES.has(result.error?.code ?? ''), `${label}: ${text.slice(0, 300)}`).toBe(true);
					}
					if (result.type === 'success' || result.type === 'redirect') {
						stats[result.type === 'redirect' ? 'redirected' : 'accepted']++;
						return;
					}
					stats.refused++;
					if (result.type === 'failure' && result.data)
						expect(
							[...KNOWN_CODES].some((c) => result.data!.includes(`"${c}"`)),
							`${label}: ${result.data.slice(0, 200)}`
						).toBe(true);
					expect(changedTables(before, dbDigest(server.dbPath)), label).toEqual([]);
				}),
				fuzzParams(300)
			);
			expect(await healthy(server.url)).toBe(true);
			console.log('[fuzz] http', { ...stats, byStatus: Object.fromEntries(stats.byStatus) });
		},
		fuzzTimeout(300, 300)
	);
});
