import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Db } from '../db/index';
import type { YjsConnectionContext } from './connection';
import { startYjsServer } from './server';

/**
 * The y-websocket endpoint (/yjs/<docName>): co-edited documents persisted in SQLite, a snapshot plus
 * an update log per document. Authentication and routing stay with the caller, which decides the
 * context of each connection before handing the upgrade over.
 */
export type { YjsConnectionContext } from './connection';
export { YjsCloseCode } from './close-codes';
export type { DocumentStore, EditListener } from '../domain/ports';
export type { YjsRefusal } from './budget';
export type { Reauthorization } from './server';
import type { DocumentStore, EditListener } from '../domain/ports';
import type { YjsConnectionContext as Context } from './connection';
import type { YjsRefusal } from './budget';
import type { Reauthorization } from './server';

export type YjsServer = {
	/** Call from an http 'upgrade' listener after authenticating; completes the websocket handshake and serves the doc. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: YjsConnectionContext): void;
	/** Refuse a connection with a websocket close code (e.g. 4401 unauthenticated, 4403 forbidden) after completing the handshake so the browser sees the code. */
	refuseUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void;
	/** Closes the connections opened under a login session (it ended) with 4401. */
	closeSession(sessionId: string): void;
	/**
	 * After rights changed: asks `decide` what each connection `match` picks may still do, and closes
	 * those that may do less (4401 when the session ended, 4403 otherwise).
	 */
	reauthorize(match: (ctx: Context) => boolean, decide: (ctx: Context) => Reauthorization): void;
	/** Compacts every loaded doc and closes all connections; resolves when stored. */
	close(): Promise<void>;
	/** For tests and benchmarks: number of loaded docs and connections. */
	stats(): { docs: number; connections: number };
} & DocumentStore;

export function createYjsServer(opts: {
	db: Db;
	/** Larger messages close that socket with 1009. Default 1 MiB. */
	maxMessageBytes?: number;
	/** Fold a document's update log into its snapshot once it holds more rows than this. Default 500. */
	compactAfterUpdates?: number;
	/** Called after each stored change a client made, with its author. */
	onEdit?: EditListener;
	/** Bytes a document may take in storage; over it an update is refused with 4413. Default 4 MiB. */
	documentBudget?: (docName: string) => number;
	/** Bytes of updates one user may send per minute; over it, 4429. Default: one largest message. */
	writerBytesPerMinute?: number;
	/** Called for each update refused for size (nothing of it stored), to say who sent it. */
	onRefused?: (ctx: Context, refusal: YjsRefusal) => void;
	/** Called when a connection starts being served, and when it closes (e.g. to watch its session). */
	onOpen?: (ctx: Context) => void;
	onClose?: (ctx: Context) => void;
}): YjsServer {
	return startYjsServer(opts);
}
