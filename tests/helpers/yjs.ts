/** y-websocket providers for tests, authenticated with a session cookie like a browser. */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { eq, sql } from 'drizzle-orm';
import { WebsocketProvider } from 'y-websocket';
import type { Db } from '$lib/server/db';
import { yjsSnapshot, yjsUpdate } from '$lib/server/db/schema';
import { loadDocState } from '$lib/server/yjs/store';

export function providerFor(
	baseUrl: string,
	docName: string,
	cookie: string | undefined,
	doc = new Y.Doc(),
	params: Record<string, string> = {}
) {
	class CookieWebSocket extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: cookie ? { cookie } : {} });
		}
	}
	return new WebsocketProvider(baseUrl.replace('http', 'ws') + '/yjs', docName, doc, {
		WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true, // otherwise providers in one process sync through BroadcastChannel, not the server
		params
	});
}

export function synced(provider: WebsocketProvider): Promise<void> {
	return new Promise((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve())));
}

/** Resolves when `check` holds for the doc, re-checked on every update. */
export function until(doc: Y.Doc, check: () => boolean): Promise<void> {
	return new Promise((resolve) => {
		if (check()) return resolve();
		const onUpdate = () => {
			if (!check()) return;
			doc.off('update', onUpdate);
			resolve();
		};
		doc.on('update', onUpdate);
	});
}

/** The close code a raw websocket to a Yjs path gets. */
export function yjsCloseCode(baseUrl: string, path: string, cookie?: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(baseUrl.replace('http', 'ws') + path, { headers: cookie ? { cookie } : {} });
		ws.once('close', (code) => resolve(code));
		ws.once('error', reject);
	});
}

/** A raw websocket to a Yjs path, for tests that must send exactly what they choose. */
export function rawYjs(baseUrl: string, path: string, cookie?: string) {
	const ws = new WebSocket(baseUrl.replace('http', 'ws') + path, { headers: cookie ? { cookie } : {} });
	ws.on('error', () => {});
	const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
	const closedAt = closed.then(() => Date.now());
	const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
	// A refusal completes the handshake, then closes with its code; a served connection is sent sync step 1.
	const served = new Promise<'served'>((resolve) => ws.once('message', () => resolve('served')));
	/** 'served', or the close code when the server refused the connection. */
	const outcome = Promise.race([served, closed]);
	return { ws, opened, closed, closedAt, outcome };
}

/** A sync "update" message carrying `update`, as a provider sends a local edit. */
export function updateMessage(update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	syncProtocol.writeUpdate(e, update);
	return encoding.toUint8Array(e);
}

/** An update from a fresh client that sets `key` in the map `probe` (to `bytes` of text if given). */
export function probeUpdate(key: string, bytes = 1): Uint8Array {
	const doc = new Y.Doc();
	doc.getMap('probe').set(key, randomBytes(bytes).toString('base64').slice(0, bytes));
	return Y.encodeStateAsUpdate(doc);
}

/**
 * Resolves once the server has handled everything sent on `ws` so far: it answers a sync step 1 with
 * a step 2, in order. Resolves too when the server closes the connection instead.
 */
export function roundTrip(ws: WebSocket): Promise<void> {
	if (ws.readyState !== WebSocket.OPEN) return Promise.resolve();
	return new Promise((resolve) => {
		const done = () => {
			ws.off('message', onMessage);
			ws.off('close', done);
			resolve();
		};
		const onMessage = (data: Buffer) => {
			if (data[0] === 0 && data[1] === syncProtocol.messageYjsSyncStep2) done();
		};
		ws.on('message', onMessage);
		ws.once('close', done);
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 0);
		syncProtocol.writeSyncStep1(e, new Y.Doc());
		ws.send(encoding.toUint8Array(e));
	});
}

/** The document as stored (snapshot plus log), read from the server's database file. */
export function storedDoc(db: Db, docName: string): Y.Doc {
	const doc = new Y.Doc();
	loadDocState(db, docName, doc);
	return doc;
}

/** Bytes a document takes in the database: its snapshot plus its update log. */
export function storedBytes(db: Db, docName: string): number {
	const snap = db
		.select({ n: sql<number>`coalesce(sum(length(${yjsSnapshot.state})), 0)` })
		.from(yjsSnapshot)
		.where(eq(yjsSnapshot.docName, docName))
		.get()!.n;
	const log = db
		.select({ n: sql<number>`coalesce(sum(length(${yjsUpdate.update})), 0)` })
		.from(yjsUpdate)
		.where(eq(yjsUpdate.docName, docName))
		.get()!.n;
	return snap + log;
}

/** `promise`, or a rejection naming what did not happen within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
		promise.then(
			(v) => {
				clearTimeout(timer);
				resolve(v);
			},
			(e) => {
				clearTimeout(timer);
				reject(e);
			}
		);
	});
}
