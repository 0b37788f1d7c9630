/**
 * Abuse limits over a real server: proposal filing and the ballot bucket, the Yjs message rate, the
 * Content-Security-Policy, Origin checks on both websocket handshakes, cookies, and logout ending every
 * live connection of the session. Each refusal is checked to change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { io as connectSocket } from 'socket.io-client';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { count } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { proposal } from '$lib/server/db/schema';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { providerFor, synced } from '../helpers/yjs';
import { socketPool } from '../helpers/sockets';

let server: TestServer;
let db: Db;
const pool = socketPool(() => server.url);
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
});

const proposals = () => db.select({ n: count() }).from(proposal).get()!.n;

/** A raw websocket to a Yjs document, resolving once open or with the close code if refused. */
function rawYjs(path: string, headers: Record<string, string>) {
	const ws = new WebSocket(server.url.replace('http', 'ws') + path, { headers });
	const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
	const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
	ws.on('error', () => {});
	return { ws, closed, opened };
}

describe('abuse limits', () => {
	it('refuses the 21st proposal an account files within the hour with 429 and stores nothing', async () => {
		const cookie = cookieFor(1);
		const file = (i: number) =>
			postForm(
				`${server.url}/proposals/new`,
				{
					title: `楼道灯不亮 ${i}`,
					description: '三楼楼道灯坏了一周。',
					category: 'other',
					about: 'building:1'
				},
				cookie
			);
		const before = proposals();
		for (let i = 0; i < 20; i++) expect((await file(i)).status).toBe(303);
		expect(proposals()).toBe(before + 20);
		const refused = await file(20);
		expect(refused.status).toBe(429);
		expect(await refused.text()).toContain('尝试次数太多');
		expect(proposals()).toBe(before + 20);
		// Another resident is not held back by the first one's limit.
		expect(
			(
				await postForm(
					`${server.url}/proposals/new`,
					{
						title: '垃圾桶满了',
						description: '周末没人收。',
						category: 'other',
						about: 'building:1'
					},
					cookieFor(2)
				)
			).status
		).toBe(303);
	});

	it('answers a socket that floods requests with RATE_LIMITED and keeps it connected', async () => {
		const s = await pool.connected(cookieFor(3));
		const answers = await Promise.all(
			Array.from({ length: 60 }, () => s.timeout(5000).emitWithAck('hand:raise', { meetingId: 999999 }))
		);
		const codes = answers.map((a: { ok: boolean; error?: { code: string } }) => a.error?.code);
		expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(30);
		expect(codes.filter((c) => c !== 'RATE_LIMITED').every((c) => c === 'NOT_FOUND')).toBe(true);
		expect(s.connected).toBe(true);
	});

	it('closes a Yjs connection over the message rate with 4529, keeping what was stored before', async () => {
		const head = await login(server.url, 'building1');
		const doc = new Y.Doc();
		const writer = providerFor(server.url, 'building:1:notes', head, doc);
		await synced(writer);
		doc.getText('notes').insert(0, '六月停水');
		writer.destroy();

		const { ws, closed, opened } = rawYjs('/yjs/building%3A1%3Anotes', { cookie: head });
		await opened;
		// Sync step 1 with an empty state vector, a thousand times at once.
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
		const msg = encoding.toUint8Array(e);
		for (let i = 0; i < 1000 && ws.readyState === WebSocket.OPEN; i++) ws.send(msg);
		expect(await closed).toBe(4529);

		const check = new Y.Doc();
		const reader = providerFor(server.url, 'building:1:notes', head, check);
		await synced(reader);
		expect(check.getText('notes').toString()).toContain('六月停水');
		reader.destroy();
	});

	it('refuses Socket.IO and Yjs handshakes from a foreign Origin', async () => {
		const cookie = await login(server.url, 'officer');
		const foreign = connectSocket(server.url, {
			path: '/socket.io',
			transports: ['websocket'],
			extraHeaders: { cookie, origin: 'https://evil.example' },
			reconnection: false,
			forceNew: true
		});
		const outcome = await new Promise<string>((resolve) => {
			foreign.once('connect', () => resolve('connected'));
			foreign.once('connect_error', (err) => resolve(err.message));
		});
		foreign.close();
		expect(outcome).not.toBe('connected');
		const yjs = rawYjs('/yjs/building%3A1%3Anotes', { cookie, origin: 'https://evil.example' });
		expect(await yjs.closed).toBe(4403);
		// The same request from the app's own origin is served.
		const own = rawYjs('/yjs/building%3A1%3Anotes', { cookie, origin: server.url });
		await own.opened;
		own.ws.close();
	});

	it('sends a Content-Security-Policy without inline scripts, and frames are refused', async () => {
		const res = await fetch(`${server.url}/login`);
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toMatch(/script-src 'self'( 'nonce-[^']+'| 'sha256-[^']+')*;/);
		expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
	});

	it('marks the session cookie Secure behind an https ORIGIN', async () => {
		const https = await startServer({ env: { ORIGIN: 'https://yizhan.example.cn' } });
		try {
			const res = await fetch(`${https.url}/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: 'https://yizhan.example.cn', 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ username: 'admin', password: 'yizhan-demo' })
			});
			const cookie = res.headers.getSetCookie().find((c) => c.startsWith('yizhan_session='))!;
			expect(cookie).toMatch(/; HttpOnly/i);
			expect(cookie).toMatch(/; Secure/i);
			expect(cookie).toMatch(/; SameSite=Lax/i);
		} finally {
			await https.cleanup();
		}
	});

	it('logging out closes the session’s Yjs connections with 4401 as well as its sockets', async () => {
		const cookie = await login(server.url, 'building1');
		const { closed, opened } = rawYjs('/yjs/building%3A1%3Anotes', { cookie });
		await opened;
		const s = await pool.connected(cookie);
		const gone = new Promise((resolve) => s.once('disconnect', resolve));
		expect((await postForm(`${server.url}/logout`, {}, cookie)).status).toBe(303);
		expect(await closed).toBe(4401);
		await gone;
	});
});
