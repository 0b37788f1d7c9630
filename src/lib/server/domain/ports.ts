/**
 * The ports the domain needs from the outside, defined here so domain rules depend on these types
 * and not on a transport. `src/lib/server/yjs` implements `DocumentStore` (see `createYjsServer`).
 */
import type * as Y from 'yjs';

/** What the domain layer may do with co-edited documents. */
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

/** Called after a client's stored change to a document (e.g. to record who edited which clause). */
export type EditListener = (docName: string, userId: number, tr: Y.Transaction) => void;
