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
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { openDatabase, type Db } from '../../src/lib/server/db/index';
import { yjsSnapshot, yjsUpdate } from '../../src/lib/server/db/schema';
import {
	createYjsServer,
	type YjsConnectionContext,
	type YjsRefusal,
	type YjsServer
} from '../../src/lib/server/yjs/index';
import { shouldReconnect } from '../../src/lib/realtime/protocol';
import type { Connection } from '../../src/lib/server/yjs/connection';
import { encodeAwarenessUpdate, type AwarenessEntry } from '../../src/lib/server/yjs/presence';
import { handleMessage } from '../../src/lib/server/yjs/protocol';
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
type HarnessOptions = {
	maxMessageBytes?: number;
	compactAfterUpdates?: number;
	pingIntervalMs?: number;
	documentBudget?: (docName: string) => number;
	writerBytesPerMinute?: number;
	onRefused?: (ctx: YjsConnectionContext, refusal: YjsRefusal) => void;
};

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

/**
 * Resolves once the server has handled everything sent on `ws` so far (and `ws` has received whatever
 * the server sent before): it answers a sync step 1 with a step 2, in order.
 */
function roundTrip(ws: WebSocket): Promise<void> {
	return new Promise((resolve) => {
		const onMessage = (data: ArrayBuffer | Buffer) => {
			const bytes = new Uint8Array(data);
			if (bytes[0] !== 0 || bytes[1] !== syncProtocol.messageYjsSyncStep2) return;
			ws.off('message', onMessage);
			resolve();
		};
		ws.on('message', onMessage);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeSyncStep1(encoder, new Y.Doc());
		ws.send(encoding.toUint8Array(encoder));
	});
}

const socketOf = (c: Client) => c.provider.ws as unknown as WebSocket;
const presenceOf = (c: Client, clientId: number) => c.provider.awareness.getStates().get(clientId);

/** A y-websocket awareness message with hand-picked client ids. */
function awarenessMessage(entries: AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1);
	encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(entries));
	return encoding.toUint8Array(encoder);
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

	it("drops a reader's edits but still sends it the document and keeps it connected", async () => {
		const file = tempDbFile();
		const h = await startHarness(file);
		const w = await connectSynced(h, 'rules', 'writer', { uid: '7', name: 'Writer' });
		w.doc.getText('body').insert(0, 'agenda');
		await eventually(() => text(storedDoc(h.db, 'rules')) === 'agenda');
		const r = await connectSynced(h, 'rules', 'reader', { uid: '8', name: 'Reader' });
		expect(text(r)).toBe('agenda');

		r.doc.getText('body').insert(0, 'HACK');
		await roundTrip(socketOf(r));
		await roundTrip(socketOf(w));
		expect(text(w)).toBe('agenda');
		expect(text(storedDoc(h.db, 'rules'))).toBe('agenda');

		w.doc.getText('body').insert(6, '!');
		await eventually(() => text(r).endsWith('agenda!'));
		expect(r.provider.wsconnected).toBe(true);

		const other = await startHarness(file); // a fresh server loads only what was stored
		expect(text(await connectSynced(other, 'rules', 'reader'))).toBe('agenda!');
	});

	it("drops a reader's presence: not relayed to writers, not kept for newcomers, yet it sees theirs", async () => {
		const h = await startHarness(tempDbFile());
		const w = await connectSynced(h, 'doc', 'writer', { uid: '7', name: 'Writer' });
		const r = await connectSynced(h, 'doc', 'reader', { uid: '8', name: 'Reader' });
		w.provider.awareness.setLocalStateField('user', { color: '#123456' });
		r.provider.awareness.setLocalStateField('user', { name: 'Spoofed', color: '#f00' });
		await roundTrip(socketOf(r));
		await roundTrip(socketOf(w));
		expect(presenceOf(w, r.doc.clientID)).toBeUndefined();

		const late = await connectSynced(h, 'doc', 'writer'); // sent every stored state before its sync
		const writerPresence = { user: { id: 7, name: 'Writer', color: '#123456' } };
		expect(presenceOf(late, r.doc.clientID)).toBeUndefined();
		expect(presenceOf(late, w.doc.clientID)).toEqual(writerPresence);
		await eventually(() => presenceOf(r, w.doc.clientID)?.user?.color === '#123456');
		expect(presenceOf(r, w.doc.clientID)).toEqual(writerPresence);
		expect(r.provider.wsconnected).toBe(true);
	});

	it("rebuilds a writer's presence: the server's name, a colour only as #rrggbb, known fields only", async () => {
		const h = await startHarness(tempDbFile());
		const a = await connectSynced(h, 'doc', 'writer', { uid: '7', name: 'Ana' });
		const b = await connectSynced(h, 'doc', 'writer', { uid: '9', name: 'Bo' });
		a.provider.awareness.setLocalState({
			user: { id: 9, name: 'Spoof', color: 'red;background:url(x)', css: 'x' },
			cursor: { anchor: { item: 1 }, head: null },
			editing: 'item-1',
			evil: '<style>'
		});
		await eventually(() => presenceOf(b, a.doc.clientID)?.editing === 'item-1');
		expect(presenceOf(b, a.doc.clientID)).toEqual({
			user: { id: 7, name: 'Ana' },
			cursor: { anchor: { item: 1 }, head: null },
			editing: 'item-1'
		});

		a.provider.awareness.setLocalState({ user: { color: '#00aaFF' }, cursor: { x: 'x'.repeat(2000) } });
		await eventually(() => presenceOf(b, a.doc.clientID)?.user?.color === '#00aaFF');
		expect(presenceOf(b, a.doc.clientID)).toEqual({ user: { id: 7, name: 'Ana', color: '#00aaFF' } });
	});

	it('lets a writer connection speak for one awareness client id only, never for another user', async () => {
		const h = await startHarness(tempDbFile());
		const w = await connectSynced(h, 'doc', 'writer', { uid: '7', name: 'Writer' });
		w.provider.awareness.setLocalStateField('user', { color: '#123456' });
		await roundTrip(socketOf(w));
		const raw = openRaw(h, '/yjs/doc?role=writer&uid=5&name=Raw');
		await raw.opened;
		const hijack = { clientID: w.doc.clientID, clock: 99, state: { editing: 'hijacked' } };
		raw.ws.send(awarenessMessage([hijack])); // owned by another user's connection: ignored
		raw.ws.send(
			awarenessMessage([
				{ clientID: 1001, clock: 1, state: {} },
				{ clientID: 1002, clock: 1, state: {} }
			])
		);
		raw.ws.send(awarenessMessage([{ clientID: 1003, clock: 1, state: {} }]));
		raw.ws.send(awarenessMessage([{ clientID: 1001, clock: 2, state: { editing: 'x' } }]));
		await roundTrip(raw.ws);
		await roundTrip(socketOf(w));

		const states = w.provider.awareness.getStates();
		expect(states.get(1001)).toEqual({ user: { id: 5, name: 'Raw' }, editing: 'x' });
		expect(states.has(1002) || states.has(1003)).toBe(false);
		expect(presenceOf(w, w.doc.clientID)).toEqual({ user: { color: '#123456' } });

		raw.ws.close();
		await eventually(() => !w.provider.awareness.getStates().has(1001)); // removed with its connection
	});

	it('reconnectAll closes with 4509; providers reconnect, are authorized afresh and converge', async () => {
		const h = await startHarness(tempDbFile());
		h.yjs.reconnectAll('agenda', 'not loaded'); // no-op
		const a = await connectSynced(h, 'agenda', 'writer', { uid: '7', name: 'Ana' });
		const b = await connectSynced(h, 'agenda', 'writer', { uid: '9', name: 'Bo' });
		const other = await connectSynced(h, 'other', 'writer');
		a.doc.getText('body').insert(0, 'before');
		a.provider.awareness.setLocalStateField('user', { color: '#123456' });
		await eventually(() => text(b) === 'before' && presenceOf(b, a.doc.clientID) !== undefined);

		const closes = [nextClose(a.provider), nextClose(b.provider)];
		a.provider.params.role = 'reader'; // a lost its right to edit: its next connection is a reader's
		h.yjs.reconnectAll('agenda', 'permissions changed');
		expect(await Promise.all(closes)).toEqual([4509, 4509]);
		b.doc.getText('body').insert(6, ' offline'); // sent through sync step 2 once reconnected
		await eventually(() => a.provider.synced && b.provider.synced);
		expect(other.provider.wsconnected).toBe(true);

		a.doc.getText('body').insert(text(a).length, ' HACK');
		b.doc.getText('body').insert(0, '> ');
		await eventually(() => text(a) === '> before offline HACK');
		await roundTrip(socketOf(a));
		expect(text(b)).toBe('> before offline');
		expect(text(storedDoc(h.db, 'agenda'))).toBe('> before offline');
		await eventually(() => presenceOf(b, a.doc.clientID) === undefined); // readers are not shown
		b.provider.awareness.setLocalStateField('user', { color: '#654321' }); // b's id, new connection
		await eventually(() => presenceOf(a, b.doc.clientID)?.user?.color === '#654321');
		expect(presenceOf(a, b.doc.clientID)).toEqual({ user: { id: 9, name: 'Bo', color: '#654321' } });
		expect(h.yjs.stats()).toEqual({ docs: 2, connections: 3 });
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

describe('size budgets', () => {
	const bigText = (n: number) => 'x'.repeat(n);

	it('refuses with 4413 an update that would take a document over its budget, stores nothing and reports the writer', async () => {
		const refusals: Array<[number, YjsRefusal]> = [];
		const h = await startHarness(tempDbFile(), {
			documentBudget: (name) => (name === 'small' ? 8 * 1024 : 1024 * 1024),
			onRefused: (ctx, r) => refusals.push([ctx.user.id, r])
		});
		const w = await connectSynced(h, 'small', 'writer', { uid: '7', name: 'w' });
		w.doc.getText('body').insert(0, bigText(4 * 1024));
		await eventually(() => text(storedDoc(h.db, 'small')).length === 4 * 1024);
		const closed = nextClose(w.provider);
		w.doc.getText('body').insert(0, bigText(6 * 1024));
		expect(await closed).toBe(4413);
		expect(text(storedDoc(h.db, 'small'))).toHaveLength(4 * 1024);
		expect(refusals).toEqual([[7, expect.objectContaining({ reason: 'DOCUMENT_BUDGET', docName: 'small' })]]);
		// A 44xx close is final for y-websocket: no reconnect that resends the same update.
		await new Promise((r) => setTimeout(r, 600));
		expect(w.provider.wsconnected || w.provider.wsconnecting).toBe(false);
		expect(h.yjs.stats().connections).toBe(0);
		// Other documents and other writers are untouched.
		const other = await connectSynced(h, 'roomy', 'writer', { uid: '8', name: 'o' });
		other.doc.getText('body').insert(0, bigText(20 * 1024));
		await eventually(() => text(storedDoc(h.db, 'roomy')).length === 20 * 1024);
	});

	it('measures a document after folding its log, so text deleted since does not count against it', async () => {
		const h = await startHarness(tempDbFile(), { documentBudget: () => 16 * 1024 });
		const w = await connectSynced(h, 'notes', 'writer');
		const body = w.doc.getText('body');
		for (let i = 0; i < 3; i++) {
			body.insert(0, bigText(5 * 1024));
			await eventually(() => text(storedDoc(h.db, 'notes')).length === 5 * 1024);
			body.delete(0, body.length);
			await eventually(() => text(storedDoc(h.db, 'notes')).length === 0);
		}
		body.insert(0, bigText(5 * 1024));
		await eventually(() => text(storedDoc(h.db, 'notes')).length === 5 * 1024);
		expect(w.provider.wsconnected).toBe(true);
	});

	it('refuses with 4429 a writer over its bytes per minute, counted across its connections and documents', async () => {
		const refusals: YjsRefusal[] = [];
		const h = await startHarness(tempDbFile(), {
			writerBytesPerMinute: 16 * 1024,
			onRefused: (_ctx, r) => refusals.push(r)
		});
		const a = await connectSynced(h, 'one', 'writer', { uid: '5', name: 'a' });
		const b = await connectSynced(h, 'two', 'writer', { uid: '5', name: 'a' });
		const other = await connectSynced(h, 'two', 'writer', { uid: '6', name: 'b' });
		a.doc.getText('body').insert(0, bigText(10 * 1024));
		await eventually(() => text(storedDoc(h.db, 'one')).length === 10 * 1024);
		const closed = nextClose(b.provider);
		b.doc.getText('body').insert(0, bigText(10 * 1024));
		expect(await closed).toBe(4429);
		expect(text(storedDoc(h.db, 'two'))).toBe('');
		expect(refusals).toEqual([expect.objectContaining({ reason: 'WRITER_BUDGET', docName: 'two' })]);
		other.doc.getText('body').insert(0, bigText(10 * 1024));
		await eventually(() => text(storedDoc(h.db, 'two')).length === 10 * 1024);
	});

	it('a provider using the shared shouldReconnect gives up on an oversize message (1009) instead of resending it', async () => {
		const h = await startHarness(tempDbFile(), { maxMessageBytes: 16 * 1024 });
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(`${h.base}/yjs`, 'notes', doc, {
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			params: { role: 'writer' },
			disableBc: true,
			shouldReconnect
		});
		cleanups.push(() => provider.destroy());
		await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
		let closes = 0;
		provider.on('connection-close', () => closes++);
		doc.getText('body').insert(0, bigText(20 * 1024));
		await eventually(() => closes === 1);
		await new Promise((r) => setTimeout(r, 600));
		expect(closes).toBe(1);
		expect(provider.wsconnected || provider.wsconnecting).toBe(false);
	});
});

describe('SharedDoc', () => {
	/** A stand-in connection that records what it is sent and how it is closed. */
	function fakeConnection(onSend: (message: Uint8Array) => void = () => {}, userId = 1) {
		const closes: number[] = [];
		const conn = {
			ctx: { docName: 'd', canWrite: true, user: { id: userId, name: `u${userId}` } },
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

	it("moves an awareness id to the same user's new connection, so the stale one's close keeps it", () => {
		const db = openDatabase(tempDbFile(), migrationsFolder);
		cleanups.push(() => db.$client.close());
		const shared = new SharedDoc('d', db, 500, () => {});
		const [stale, fresh, stranger, bystander] = [1, 1, 2, 3].map((id) => fakeConnection(undefined, id).conn);
		for (const conn of [stale, fresh, stranger, bystander]) shared.addConnection(conn);
		const publish = (conn: Connection, clock: number, state: unknown) =>
			handleMessage(shared, conn, awarenessMessage([{ clientID: 42, clock, state }]));

		publish(stale, 1, { editing: 'a' });
		publish(fresh, 2, { editing: 'b' }); // the same client reconnected
		publish(stranger, 3, { editing: 'c' }); // another user: ignored
		expect(shared.awareness.getStates().get(42)).toEqual({ user: { id: 1, name: 'u1' }, editing: 'b' });
		shared.removeConnection(stale);
		expect(shared.awareness.getStates().has(42)).toBe(true);
		shared.removeConnection(fresh);
		expect(shared.awareness.getStates().has(42)).toBe(false);
		shared.unload();
	});
});
