import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Db } from '../db/index';
import type { YjsConnectionContext } from './connection';
import type * as Y from 'yjs';
import { startYjsServer } from './server';

/**
 * The y-websocket endpoint (/yjs/<docName>): co-edited documents persisted in SQLite, a snapshot plus
 * an update log per document. Authentication and routing stay with the caller, which decides the
 * context of each connection before handing the upgrade over.
 */
export type { YjsConnectionContext } from './connection';
export { YjsCloseCode } from './close-codes';
export type { EditListener } from './shared-doc';
import type { EditListener } from './shared-doc';

export type YjsServer = {
	/** Call from an http 'upgrade' listener after authenticating; completes the websocket handshake and serves the doc. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: YjsConnectionContext): void;
	/** Refuse a connection with a websocket close code (e.g. 4401 unauthenticated, 4403 forbidden) after completing the handshake so the browser sees the code. */
	refuseUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void;
	/** Closes the connections opened under a login session (on logout). */
	closeSession(sessionId: string): void;
	/** Compacts every loaded doc and closes all connections; resolves when stored. */
	close(): Promise<void>;
	/** For tests and benchmarks: number of loaded docs and connections. */
	stats(): { docs: number; connections: number };
} & DocumentStore;

/** What the domain layer may do with co-edited documents (a port, so rules do not depend on the transport). */
export type DocumentStore = {
	/** Changes a document from the server; stored and relayed like any client edit. */
	change(docName: string, fn: (doc: Y.Doc) => void): void;
	/** Reads a document's current state. */
	read<T>(docName: string, fn: (doc: Y.Doc) => T): T;
	/**
	 * Closes every connection to a loaded document with `YjsCloseCode.reauthorize`, so clients
	 * reconnect and are authorized afresh (call after permissions change). No-op if nobody has it open.
	 */
	reconnectAll(docName: string, reason: string): void;
};

export function createYjsServer(opts: {
	db: Db;
	/** Larger messages close that socket with 1009. Default 1 MiB. */
	maxMessageBytes?: number;
	/** Fold a document's update log into its snapshot once it holds more rows than this. Default 500. */
	compactAfterUpdates?: number;
	/** Called after each stored change a client made, with its author. */
	onEdit?: EditListener;
}): YjsServer {
	const { db, maxMessageBytes, compactAfterUpdates, onEdit } = opts;
	return startYjsServer({ db, maxMessageBytes, compactAfterUpdates, onEdit });
}
