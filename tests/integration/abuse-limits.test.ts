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
import { and, count, eq, like } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { auditEntry, proposal, user, yjsSnapshot, yjsUpdate } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import {
	probeUpdate,
	providerFor,
	rawYjs as rawYjsAt,
	roundTrip,
	storedBytes,
	synced,
	updateMessage,
	within
} from '../helpers/yjs';
import { socketPool } from '../helpers/sockets';
import { rawEngine } from '../helpers/engine';

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

const MiB = 1024 * 1024;
const userId = (username: string) => db.select().from(user).where(eq(user.username, username)).get()!.id;

/** Writes updates of `bytes` on a raw connection until `count` are sent or the server closes it. */
async function flood(cookie: string, path: string, count: number, bytes: number) {
	const w = rawYjsAt(server.url, path, cookie);
	await w.opened;
	for (let i = 0; i < count && w.ws.readyState === WebSocket.OPEN; i++) {
		w.ws.send(updateMessage(probeUpdate(`${path} ${i}`, bytes)));
		await roundTrip(w.ws);
	}
	return w;
}

describe('document size budgets', () => {
	it('stores one minute’s budget of 40 updates of 0.9 MiB to building notes, closes the writer with 4429 and audits who', async () => {
		const head = await login(server.url, 'building1');
		const before = storedBytes(db, 'building:1:notes');
		const w = await flood(head, '/yjs/building%3A1%3Anotes', 40, 0.9 * MiB);
		expect(storedBytes(db, 'building:1:notes') - before).toBeLessThanOrEqual(MiB);
		expect(await within(w.closed, 5_000, 'the writer was closed')).toBe(4429);
		const entry = db
			.select()
			.from(auditEntry)
			.where(and(eq(auditEntry.action, 'document.refuse'), eq(auditEntry.actorUserId, userId('building1'))))
			.get();
		expect(entry).toBeDefined();
		expect(JSON.parse(entry!.detail)).toMatchObject({ docName: 'building:1:notes', reason: 'WRITER_BUDGET' });
	});

	it('refuses with 4413 the update that would take a document over its budget, from whichever writer', async () => {
		const name = 'building:2:notes';
		const first = await flood(await login(server.url, 'admin'), '/yjs/building%3A2%3Anotes', 1, 0.6 * MiB);
		first.ws.close();
		const stored = storedBytes(db, name);
		expect(stored).toBeGreaterThan(0.6 * MiB);
		const second = await flood(
			await login(server.url, 'facilitator'),
			'/yjs/building%3A2%3Anotes',
			1,
			0.6 * MiB
		);
		expect(await within(second.closed, 5_000, 'the second writer was closed')).toBe(4413);
		expect(storedBytes(db, name)).toBe(stored);
		const entry = db
			.select()
			.from(auditEntry)
			.where(and(eq(auditEntry.action, 'document.refuse'), eq(auditEntry.actorUserId, userId('facilitator'))))
			.get();
		expect(JSON.parse(entry!.detail)).toMatchObject({ docName: name, reason: 'DOCUMENT_BUDGET' });
	});
});

describe('one name per document', () => {
	it('refuses non-canonical document ids with 4404 and stores nothing under them', async () => {
		const committee = await login(server.url, 'committee');
		const fac = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
		const meetingId = createMeeting(db, loadActor(db, fac), {
			title: '影子议程',
			scopeType: 'building',
			scopeId: 1,
			startsAt: new Date(),
			place: '1栋楼下',
			votingUnit: 'household',
			isPublic: false
		});
		expect(getMeeting(db, meetingId).status).toBe('draft');
		const shadows = ['rules:01', 'rules:001', 'building:01:notes', `meeting:0${meetingId}:agenda`, 'rules:0'];
		for (const name of shadows) {
			const c = rawYjsAt(server.url, `/yjs/${encodeURIComponent(name)}`, committee);
			const outcome = await c.outcome;
			if (outcome === 'served') {
				c.ws.send(updateMessage(probeUpdate('shadow')));
				await roundTrip(c.ws);
				c.ws.close();
			}
			expect({ name, outcome }).toEqual({ name, outcome: 4404 });
		}
		const stored = [
			...db.select({ name: yjsUpdate.docName }).from(yjsUpdate).where(like(yjsUpdate.docName, '%:0%')).all(),
			...db
				.select({ name: yjsSnapshot.docName })
				.from(yjsSnapshot)
				.where(like(yjsSnapshot.docName, '%:0%'))
				.all()
		];
		expect(stored).toEqual([]);
	});
});

describe('anonymous websockets', () => {
	it('closes a refused Socket.IO connection at once instead of leaving its engine connection open', async () => {
		const e = rawEngine(server.url);
		expect(await within(e.outcome, 5_000, 'an answer to the connect')).toBe('refused');
		expect(await e.refusal).toContain('UNAUTHENTICATED');
		await within(e.closed, 5_000, 'the server closing the refused connection');
	});

	it('closes a refused Yjs connection even when the client never answers the close frame', async () => {
		const { connect } = await import('node:net');
		const { port } = new URL(server.url);
		const sock = connect(Number(port), '127.0.0.1');
		sock.on('error', () => {});
		let received = '';
		sock.on('data', (d) => (received += d.toString('latin1')));
		const ended = new Promise<void>((resolve) => sock.once('close', () => resolve()));
		sock.write(
			'GET /yjs/rules%3A1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
				'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
		);
		// It never sends a close frame back; the server must not wait 30 s for one.
		await within(ended, 5_000, 'the server ending the refused connection');
		expect(received).toContain('101 Switching Protocols');
		sock.destroy();
	});

	it('caps failed anonymous handshakes per address; projectors with the code never count; logged-in users still connect', async () => {
		const own = await startServer();
		const ownDb = openDatabase(own.dbPath);
		try {
			const fac = ownDb.select().from(user).where(eq(user.username, 'facilitator')).get()!;
			const meetingId = createMeeting(ownDb, loadActor(ownDb, fac), {
				title: '公开议事会',
				scopeType: 'building',
				scopeId: 1,
				startsAt: new Date(),
				place: '1栋楼下',
				votingUnit: 'household',
				isPublic: true
			});
			const code = getMeeting(ownDb, meetingId).joinCode;
			// A projector that reconnects all day is never held back.
			for (let i = 0; i < 100; i++) {
				const p = rawEngine(own.url, { auth: { projectorMeetingId: meetingId, code } });
				expect(await within(p.outcome, 5_000, 'projector connect')).toBe('connected');
				p.ws.close();
			}
			const outcomes: string[] = [];
			const engines = Array.from({ length: 80 }, () => rawEngine(own.url));
			for (const e of engines) outcomes.push(await within(e.outcome, 10_000, 'an answer'));
			const refused = outcomes.filter((o) => o === 'refused').length;
			const turnedAway = outcomes.filter((o) => o === 'rejected').length;
			expect(refused + turnedAway).toBe(80);
			expect(refused).toBeLessThanOrEqual(60);
			expect(turnedAway).toBeGreaterThanOrEqual(20);
			// Nothing of them stays open.
			await within(Promise.all(engines.map((e) => e.closed)), 10_000, 'every refused connection closed');
			// Over the cap, an anonymous Yjs handshake is turned away before it is looked at.
			const anonymousYjs = rawYjsAt(own.url, '/yjs/rules%3A1');
			expect(await within(anonymousYjs.outcome, 5_000, 'anonymous Yjs')).not.toBe('served');
			// A logged-in phone on the same address is served as ever.
			const cookie = await login(own.url, 'committee');
			const s = socketPool(() => own.url);
			await s.connected(cookie);
			const p = providerFor(own.url, 'rules:1', cookie);
			await synced(p);
			p.destroy();
			s.closeAll();
		} finally {
			ownDb.$client.close();
			await own.cleanup();
		}
	});
});
