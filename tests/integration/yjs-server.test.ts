import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { openDatabase, type Db } from '../../src/lib/server/db/index';
import { yjsSnapshot, yjsUpdate } from '../../src/lib/server/db/schema';
import { createYjsServer, type YjsServer } from '../../src/lib/server/yjs/index';
import type { Connection } from '../../src/lib/server/yjs/connection';
import { startYjsServer } from '../../src/lib/server/yjs/server';
import { SharedDoc } from '../../src/lib/server/yjs/shared-doc';

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

function tempDbFile(): string {
	const dir = mkdtempSync(join(tmpdir(), 'yizhan-yjs-'));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	return join(dir, 'test.db');
}

type Harness = { base: string; db: Db; yjs: YjsServer; stop(): Promise<void> };
type HarnessOptions = { maxMessageBytes?: number; compactAfterUpdates?: number; pingIntervalMs?: number };

/** Test-only routing: /yjs/<docName>?role=reader|writer&uid=&name=; anything else gets 4403. */
async function startHarness(dbFile: string, opts: HarnessOptions = {}): Promise<Harness> {
	const db = openDatabase(dbFile, migrationsFolder);
	const yjs = opts.pingIntervalMs ? startYjsServer({ db, ...opts }) : createYjsServer({ db, ...opts });
	const server = createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const docName = /^\/yjs\/([^/]+)$/.exec(url.pathname)?.[1];
		const role = url.searchParams.get('role');
		if (!docName || (role !== 'reader' && role !== 'writer')) {
			return yjs.refuseUpgrade(req, socket, head, 4403, 'forbidden');
		}
		const user = { id: Number(url.searchParams.get('uid') ?? 1), name: url.searchParams.get('name') ?? 'u' };
		yjs.handleUpgrade(req, socket, head, {
			docName: decodeURIComponent(docName),
			canWrite: role === 'writer',
			user
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			await yjs.close();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
			db.$client.close();
		})());
	cleanups.push(stop);
	return { base, db, yjs, stop };
}

type Client = { doc: Y.Doc; provider: WebsocketProvider };

function connect(h: Harness, docName: string, role: string, user = { uid: '1', name: 'u' }): Client {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(`${h.base}/yjs`, docName, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		params: { role, ...user },
		disableBc: true // same-process providers would otherwise sync over BroadcastChannel, not the server
	});
	cleanups.push(() => provider.destroy());
	return { doc, provider };
}

async function connectSynced(h: Harness, doc: string, role: string, user?: { uid: string; name: string }) {
	const client = connect(h, doc, role, user);
	await new Promise<void>((resolve) => client.provider.once('sync', () => resolve()));
	return client;
}

/** Bounded polling: propagation to another client, database rows, server stats. */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
	for (const deadline = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 10))) {
		if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
	}
}

function nextClose(provider: WebsocketProvider): Promise<number> {
	return new Promise((resolve) => provider.once('connection-close', (event) => resolve(event?.code ?? -1)));
}

function openRaw(h: Harness, path: string, opts: { autoPong?: boolean } = {}) {
	const ws = new WebSocket(`${h.base}${path}`, opts);
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	const opened = new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	cleanups.push(() => ws.terminate());
	return { ws, opened, closed };
}

/** The document as stored: snapshot plus log, read straight from SQLite. */
function storedDoc(db: Db, docName: string): Y.Doc {
	const doc = new Y.Doc();
	const snapshot = db.select().from(yjsSnapshot).where(eq(yjsSnapshot.docName, docName)).get();
	if (snapshot) Y.applyUpdate(doc, snapshot.state);
	for (const row of logRows(db, docName)) Y.applyUpdate(doc, row.update);
	return doc;
}

function logRows(db: Db, docName: string) {
	return db.select().from(yjsUpdate).where(eq(yjsUpdate.docName, docName)).orderBy(asc(yjsUpdate.id)).all();
}

const text = (c: Client | Y.Doc) => ('doc' in c ? c.doc : c).getText('body').toString();

describe('yjs server', () => {
	it('lets two writers co-edit a text and an array, converge and have it stored', async () => {
		const h = await startHarness(tempDbFile());
		const a = await connectSynced(h, 'agenda-1', 'writer');
		const b = await connectSynced(h, 'agenda-1', 'writer');

		a.doc.getText('body').insert(0, 'hello ');
		b.doc.getText('body').insert(0, 'world');
		a.doc.getArray<string>('items').push(['a1']);
		b.doc.getArray<string>('items').push(['b1']);

		const done = (c: Client) => text(c).length === 11 && c.doc.getArray('items').length === 2;
		await Promise.all([eventually(() => done(a)), eventually(() => done(b))]);
		expect(text(a)).toBe(text(b));
		expect(a.doc.getArray('items').toArray()).toEqual(b.doc.getArray('items').toArray());
		expect(text(storedDoc(h.db, 'agenda-1'))).toBe(text(a));
		expect(h.yjs.stats()).toEqual({ docs: 1, connections: 2 });
	});

	it("drops a reader's edits but still sends it the document, stamps its presence and keeps it connected", async () => {
		const file = tempDbFile();
		const h = await startHarness(file);
		const w = await connectSynced(h, 'rules', 'writer', { uid: '7', name: 'Writer' });
		w.doc.getText('body').insert(0, 'agenda');
		await eventually(() => text(storedDoc(h.db, 'rules')) === 'agenda');
		const r = await connectSynced(h, 'rules', 'reader', { uid: '8', name: 'Reader' });
		expect(text(r)).toBe('agenda');

		r.doc.getText('body').insert(0, 'HACK');
		// Sent after the edit on the same socket: once the writer sees it, the server has handled the edit.
		r.provider.awareness.setLocalStateField('user', { name: 'Spoofed', color: '#f00' });
		const readerSeenByWriter = () => w.provider.awareness.getStates().get(r.doc.clientID)?.user;
		await eventually(() => readerSeenByWriter()?.color === '#f00');
		expect(readerSeenByWriter()).toEqual({ id: 8, name: 'Reader', color: '#f00' });
		expect(text(w)).toBe('agenda');
		expect(text(storedDoc(h.db, 'rules'))).toBe('agenda');

		w.doc.getText('body').insert(6, '!');
		await eventually(() => text(r).endsWith('agenda!'));
		expect(r.provider.wsconnected).toBe(true);

		const other = await startHarness(file); // a fresh server loads only what was stored
		expect(text(await connectSynced(other, 'rules', 'reader'))).toBe('agenda!');
	});

	it('serves every stored edit after close() and a restart on the same database file', async () => {
		const file = tempDbFile();
		const h = await startHarness(file);
		const a = await connectSynced(h, 'minutes', 'writer');
		const b = await connectSynced(h, 'minutes', 'writer');
		for (let i = 0; i < 10; i++) a.doc.getText('body').insert(i, String(i));
		b.doc.getArray<number>('votes').push([1, 2, 3]);
		await eventually(() => text(b) === '0123456789');
		await eventually(() => a.doc.getArray('votes').length === 3);

		const closedA = nextClose(a.provider);
		await h.yjs.close();
		expect(await closedA).toBe(1001);
		expect(h.yjs.stats()).toEqual({ docs: 0, connections: 0 });
		expect(logRows(h.db, 'minutes')).toHaveLength(0); // close() compacted into the snapshot
		a.provider.destroy();
		b.provider.destroy();
		await h.stop();

		const restarted = await startHarness(file);
		const c = await connectSynced(restarted, 'minutes', 'reader');
		expect(text(c)).toBe('0123456789');
		expect(c.doc.getArray('votes').toArray()).toEqual([1, 2, 3]);
	});

	it('compacts the log after N updates and when the last client leaves, keeping the content', async () => {
		const h = await startHarness(tempDbFile(), { compactAfterUpdates: 5 });
		const w = await connectSynced(h, 'draft', 'writer');
		const o = await connectSynced(h, 'draft', 'reader');
		const expected = 'abcdefghijklmnopqrstuvw';
		for (const ch of expected) w.doc.getText('body').insert(text(w).length, ch); // one message each
		await eventually(() => text(o) === expected);

		expect(h.db.select().from(yjsSnapshot).all()).toHaveLength(1);
		expect(logRows(h.db, 'draft').length).toBeLessThanOrEqual(5);
		expect(text(storedDoc(h.db, 'draft'))).toBe(expected);

		w.provider.destroy();
		o.provider.destroy();
		await eventually(() => h.yjs.stats().docs === 0); // unloaded once the last client left
		expect(logRows(h.db, 'draft')).toHaveLength(0);
		expect(text(storedDoc(h.db, 'draft'))).toBe(expected);
	});

	it('closes only the connection that sends an oversize message and keeps serving the others', async () => {
		const h = await startHarness(tempDbFile(), { maxMessageBytes: 16 * 1024 });
		const big = await connectSynced(h, 'notes', 'writer');
		const b = await connectSynced(h, 'notes', 'writer');
		const c = await connectSynced(h, 'notes', 'writer');

		const closed = nextClose(big.provider);
		big.doc.getText('body').insert(0, 'x'.repeat(20_000));
		expect(await closed).toBe(1009);
		big.provider.destroy(); // stop its reconnect loop, which would resend the same update

		b.doc.getText('body').insert(0, 'still here');
		await eventually(() => text(c) === 'still here');
		await eventually(() => h.yjs.stats().connections === 2);
		expect(text(storedDoc(h.db, 'notes'))).toBe('still here');
	});

	it('closes a connection on a malformed, text or oversize-awareness message without crashing', async () => {
		const h = await startHarness(tempDbFile());
		const w = await connectSynced(h, 'doc', 'writer');
		const o = await connectSynced(h, 'doc', 'reader');

		const bigAwareness = encoding.createEncoder();
		encoding.writeVarUint(bigAwareness, 1);
		encoding.writeVarUint8Array(bigAwareness, new Uint8Array(40 * 1024));
		const cases: Array<[string | Uint8Array, number]> = [
			[new Uint8Array([0, 7]), 4400], // unknown sync message type
			[new Uint8Array([0, 2, 9, 1]), 4400], // update shorter than its declared length
			[new Uint8Array([0, 2, 3, 255, 255, 255]), 4400], // bytes that are not a Yjs update
			['hello', 1003],
			[encoding.toUint8Array(bigAwareness), 1009]
		];
		for (const [message, code] of cases) {
			const raw = openRaw(h, '/yjs/doc?role=writer');
			await raw.opened;
			raw.ws.send(message);
			expect((await raw.closed).code).toBe(code);
		}

		w.doc.getText('body').insert(0, 'fine');
		await eventually(() => text(o) === 'fine');
		expect(h.yjs.stats().connections).toBe(2);
	});

	it('refuses an upgrade with close code 4403 after the handshake', async () => {
		const h = await startHarness(tempDbFile());
		const raw = openRaw(h, '/yjs/doc?role=stranger');
		await raw.opened;
		expect(await raw.closed).toEqual({ code: 4403, reason: 'forbidden' });

		const refused = connect(h, 'doc', 'stranger');
		expect(await nextClose(refused.provider)).toBe(4403);
		expect(h.yjs.stats()).toEqual({ docs: 0, connections: 0 });
	});

	it('terminates a connection that stops answering pings and keeps live ones', async () => {
		const h = await startHarness(tempDbFile(), { pingIntervalMs: 50 });
		const live = openRaw(h, '/yjs/doc?role=reader');
		const dead = openRaw(h, '/yjs/doc?role=reader', { autoPong: false });
		await Promise.all([live.opened, dead.opened]);
		expect((await dead.closed).code).toBe(1006); // terminated, no close frame
		await eventually(() => h.yjs.stats().connections === 1);
		expect(live.ws.readyState).toBe(WebSocket.OPEN);
	});
});

describe('SharedDoc', () => {
	/** A stand-in connection that records what it is sent and how it is closed. */
	function fakeConnection(onSend: (message: Uint8Array) => void = () => {}) {
		const closes: number[] = [];
		const conn = {
			ctx: { docName: 'd', canWrite: true, user: { id: 1, name: 'u' } },
			send: onSend,
			close: (code: number) => closes.push(code)
		};
		return { conn: conn as unknown as Connection, closes };
	}

	it('stores an update before relaying it to other connections', () => {
		const db = openDatabase(tempDbFile(), migrationsFolder);
		cleanups.push(() => db.$client.close());
		const shared = new SharedDoc('d', db, 500, () => {});
		const storedAtRelay: string[] = [];
		const author = fakeConnection();
		shared.addConnection(author.conn);
		shared.addConnection(fakeConnection(() => storedAtRelay.push(text(storedDoc(db, 'd')))).conn);
		storedAtRelay.length = 0; // drop what addConnection sent

		Y.transact(shared.doc, () => shared.doc.getText('body').insert(0, 'motion'), author.conn);
		expect(storedAtRelay).toEqual(['motion']);
	});

	it('relays nothing and closes every connection with 1011 when storing fails', () => {
		const db = openDatabase(tempDbFile(), migrationsFolder);
		cleanups.push(() => db.$client.close());
		let unloaded = false;
		const shared = new SharedDoc('d', db, 500, () => (unloaded = true));
		const relayed: Uint8Array[] = [];
		const author = fakeConnection();
		const other = fakeConnection((m) => relayed.push(m));
		shared.addConnection(author.conn);
		shared.addConnection(other.conn);
		relayed.length = 0;
		db.$client.exec('DROP TABLE yjs_update');

		Y.transact(shared.doc, () => shared.doc.getText('body').insert(0, 'lost'), author.conn);
		expect(relayed).toHaveLength(0);
		expect([author.closes, other.closes]).toEqual([[1011], [1011]]);
		expect(shared.broken && unloaded).toBe(true);
		shared.removeConnection(author.conn);
		shared.removeConnection(other.conn); // must not snapshot the unstored edit
		expect(db.select().from(yjsSnapshot).all()).toHaveLength(0);
	});
});
