/**
 * The dependencies the edge hands to the domain, made once when the server starts (the init hook in
 * src/hooks.server.ts) and given to every request as `event.locals.services` and to every socket
 * handler as part of `HandlerDeps`. Routes take them from there and never open storage themselves,
 * so the storage behind these ports can be swapped in this one place (docs/architecture.md).
 */
import type { Db } from './db';
import type { DocumentStore } from './domain/ports';

export type Services = {
	/** The process's database. */
	db: Db;
	/** The co-edited documents (the Yjs server attached to the HTTP server). */
	docs: DocumentStore;
};

/**
 * Stands in for the documents when no HTTP server was offered to attach the Yjs server to (e.g. while
 * `vite build` analyses the app): pages that only read the database still work, and anything that
 * needs a document fails as it would without a server.
 */
export const detachedDocuments: DocumentStore = {
	change() {
		throw new Error('realtime not attached');
	},
	read() {
		throw new Error('realtime not attached');
	},
	reconnectAll() {
		throw new Error('realtime not attached');
	}
};
