import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Db } from '../db/index';
import { YjsCloseCode } from './close-codes';
import { Connection, type YjsConnectionContext } from './connection';
import { handleMessage, YjsProtocolError } from './protocol';
import { WriteBudgets, YjsRefusedError, type YjsRefusal } from './budget';
import type { EditListener } from '../domain/ports';
import { SharedDoc } from './shared-doc';
import { loadDocState } from './store';
import * as Y from 'yjs';

/** The transaction origin of server-made changes: not a connection, so every client is sent them. */
const SERVER_ORIGIN = Symbol('server');

export type YjsServerOptions = {
	db: Db;
	/** Larger messages close the socket with 1009 (ws maxPayload). Default 1 MiB. */
	maxMessageBytes?: number;
	/** Fold a document's update log into its snapshot once it holds more rows than this. Default 500. */
	compactAfterUpdates?: number;
	/** Called after each stored change a client made. */
	onEdit?: EditListener;
	/** Keep-alive period; a connection that misses one pong is terminated at the next. Default 30 s. */
	pingIntervalMs?: number;
	/** Bytes a document may take in storage (snapshot plus log). Default 4 MiB for every name. */
	documentBudget?: (docName: string) => number;
	/** Bytes of updates a writer (a user id) may send per minute. Default: one largest message. */
	writerBytesPerMinute?: number;
	/** Called for each update refused for size (nothing of it stored), e.g. to audit who sent it. */
	onRefused?: (ctx: YjsConnectionContext, refusal: YjsRefusal) => void;
	/** Called when a connection starts being served, and when it closes. */
	onOpen?: (ctx: YjsConnectionContext) => void;
	onClose?: (ctx: YjsConnectionContext) => void;
};

/** What the caller decides a connection may still do after rights changed (see reauthorize). */
export type Reauthorization = 'write' | 'read' | 'none' | 'ended';

/** How long close() lets clients answer the close frame before cutting the socket. */
const CLOSE_GRACE_MS = 1000;

/** The y-websocket endpoint; `index.ts` exposes it without the test-only options. */
export function startYjsServer(opts: YjsServerOptions) {
	const { db, maxMessageBytes = 1024 * 1024, compactAfterUpdates = 500 } = opts;
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: maxMessageBytes,
		perMessageDeflate: false,
		clientTracking: false // tracked below, with the context each socket serves
	});
	const docs = new Map<string, SharedDoc>();
	const connections = new Set<Connection>();
	const budgets = new WriteBudgets(
		opts.documentBudget ?? (() => 4 * 1024 * 1024),
		opts.writerBytesPerMinute ?? maxMessageBytes
	);
	let closing: Promise<void> | undefined;

	const forgetDoc = (doc: SharedDoc) => {
		if (docs.get(doc.name) === doc) docs.delete(doc.name);
	};

	function serve(ws: WebSocket, ctx: YjsConnectionContext): void {
		const conn = new Connection(ws, ctx);
		// Without a listener, ws's 'error' (e.g. maxPayload exceeded) would crash the process.
		ws.on('error', (err) => conn.log('socket error', err));
		if (closing) return conn.close(YjsCloseCode.goingAway, 'server shutting down');
		let shared = docs.get(ctx.docName);
		if (!shared) {
			try {
				shared = new SharedDoc(ctx.docName, db, compactAfterUpdates, forgetDoc, opts.onEdit);
			} catch (err) {
				conn.log('could not load document', err);
				return conn.close(YjsCloseCode.internalError, 'document unavailable');
			}
			docs.set(ctx.docName, shared);
		}
		const doc = shared;
		connections.add(conn);
		opts.onOpen?.(ctx);
		// Listeners go on in the same tick as the upgrade completes, so no early message is lost.
		ws.on('message', (data, isBinary) => {
			// Closing (e.g. to reauthorize): late messages are moot or no longer authorized.
			if (doc.broken || !doc.conns.has(conn) || conn.ws.readyState !== WebSocket.OPEN) return;
			if (!isBinary) return conn.close(YjsCloseCode.unsupportedData, 'binary messages only');
			if (!conn.allow()) {
				conn.log('over the message rate, closing');
				return conn.close(YjsCloseCode.tooManyMessages, 'too many messages');
			}
			try {
				handleMessage(doc, conn, data as Buffer, budgets);
			} catch (err) {
				if (err instanceof YjsRefusedError) {
					conn.log(`refused ${err.refusal.bytes} bytes (${err.refusal.reason}), closing with ${err.code}`);
					conn.close(err.code, err.message);
					return reportRefusal(ctx, err.refusal);
				}
				const code = err instanceof YjsProtocolError ? err.code : YjsCloseCode.malformedMessage;
				conn.log(`closing with ${code}`, err);
				conn.close(code, code === YjsCloseCode.messageTooBig ? 'message too big' : 'malformed message');
			}
		});
		ws.on('pong', () => {
			conn.alive = true;
		});
		ws.on('close', () => {
			connections.delete(conn);
			doc.removeConnection(conn);
			opts.onClose?.(ctx);
		});
		doc.addConnection(conn);
	}

	function reportRefusal(ctx: YjsConnectionContext, refusal: YjsRefusal) {
		try {
			opts.onRefused?.(ctx, refusal);
		} catch (err) {
			console.error(`[yjs] doc=${ctx.docName}: reporting a refusal failed: ${(err as Error).message}`);
		}
	}

	const pinger = setInterval(() => {
		for (const conn of connections) {
			if (!conn.alive) {
				conn.log('no pong, terminating');
				conn.ws.terminate();
				continue;
			}
			conn.alive = false;
			try {
				conn.ws.ping();
			} catch {
				conn.ws.terminate();
			}
		}
	}, opts.pingIntervalMs ?? 30_000);
	pinger.unref(); // never the reason the process stays up

	async function shutDown(): Promise<void> {
		clearInterval(pinger);
		// Store first: once unloaded, late messages from the closing sockets are ignored.
		for (const doc of [...docs.values()]) doc.unload();
		const open = [...connections];
		const closed = open.map(
			(conn) =>
				new Promise<void>((resolve) => {
					if (conn.ws.readyState === WebSocket.CLOSED) resolve();
					else conn.ws.once('close', () => resolve());
				})
		);
		for (const conn of open) conn.close(YjsCloseCode.goingAway, 'server shutting down');
		const grace = setTimeout(() => open.forEach((conn) => conn.ws.terminate()), CLOSE_GRACE_MS);
		await Promise.all(closed);
		clearTimeout(grace);
		await new Promise<void>((resolve) => wss.close(() => resolve()));
	}

	return {
		handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: YjsConnectionContext): void {
			wss.handleUpgrade(req, socket, head, (ws) => serve(ws, ctx));
		},

		refuseUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void {
			wss.handleUpgrade(req, socket, head, (ws) => {
				ws.on('error', () => {}); // the client may vanish first; nothing to do about it
				try {
					ws.close(code, truncateUtf8(reason, 123));
				} catch {
					ws.close(1008, 'policy violation'); // ws rejects reserved codes such as 1005
				}
				// A client that never answers the close frame would hold the socket for ws's 30 s.
				const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
				ws.once('close', () => clearTimeout(cut));
			});
		},

		/**
		 * Changes a document from the server (e.g. linking a proposal into an agenda): stored and relayed
		 * to every client like any edit. A document nobody has open is loaded, changed and unloaded.
		 */
		change(docName: string, fn: (doc: Y.Doc) => void): void {
			if (closing) throw new Error('yjs server is closing');
			const loaded = docs.get(docName);
			const shared = loaded ?? new SharedDoc(docName, db, compactAfterUpdates, forgetDoc, opts.onEdit);
			try {
				shared.doc.transact(() => fn(shared.doc), SERVER_ORIGIN);
				if (shared.broken) throw new Error(`storing a change to ${docName} failed`);
			} finally {
				if (!loaded) shared.unload();
			}
		},

		/** Reads a document's current state (loaded or stored) without keeping it in memory. */
		read<T>(docName: string, fn: (doc: Y.Doc) => T): T {
			const loaded = docs.get(docName);
			if (loaded) return fn(loaded.doc);
			const doc = new Y.Doc();
			try {
				loadDocState(db, docName, doc);
				return fn(doc);
			} finally {
				doc.destroy();
			}
		},

		/** Closes every connection of a login session (logout): the provider is told it is unauthenticated. */
		closeSession(sessionId: string): void {
			for (const conn of connections)
				if (conn.ctx.sessionId === sessionId) conn.close(YjsCloseCode.sessionEnded, 'session ended');
		},

		/**
		 * Applies what changed rights leave each matching connection (see Reauthorization): 'ended'
		 * closes with 4401, 'none' with 4403, and so does 'read' for a writer (its editor would
		 * otherwise keep typing into a document that drops every keystroke; reloading gives the
		 * read-only view). A reader whose right to write came back keeps reading until it reconnects.
		 */
		reauthorize(
			match: (ctx: YjsConnectionContext) => boolean,
			decide: (ctx: YjsConnectionContext) => Reauthorization
		): void {
			for (const conn of [...connections]) {
				if (!match(conn.ctx) || conn.ws.readyState !== WebSocket.OPEN) continue;
				const now = decide(conn.ctx);
				if (now === 'ended') conn.close(YjsCloseCode.sessionEnded, 'session ended');
				else if (now === 'none') conn.close(YjsCloseCode.forbidden, 'FORBIDDEN');
				else if (now === 'read' && conn.ctx.canWrite) conn.close(YjsCloseCode.forbidden, 'WRITE_REVOKED');
			}
		},

		/** Closes every connection to a loaded doc so clients reconnect and are authorized afresh. */
		reconnectAll(docName: string, reason: string): void {
			const shared = docs.get(docName);
			if (!shared) return;
			const why = truncateUtf8(reason, 123);
			for (const conn of [...shared.conns.keys()]) conn.close(YjsCloseCode.reauthorize, why);
		},

		close(): Promise<void> {
			closing ??= shutDown();
			return closing;
		},

		stats(): { docs: number; connections: number } {
			return { docs: docs.size, connections: connections.size };
		}
	};
}

/** A close reason may hold at most 123 bytes; cut at a character boundary. */
function truncateUtf8(text: string, maxBytes: number): string {
	let out = '';
	for (const ch of text) {
		if (Buffer.byteLength(out + ch) > maxBytes) break;
		out += ch;
	}
	return out;
}
