import { and, asc, eq, lte } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Db } from '../db/index';
import { yjsSnapshot, yjsUpdate } from '../db/schema';

/**
 * SQLite persistence for Yjs documents: one merged snapshot per document plus an append-only log of
 * the updates applied since. Every function is synchronous (better-sqlite3), which is what lets the
 * server store an update before anyone else sees it and load a document before answering a client.
 */

export type LoadedState = {
	/** Highest log row id already contained in the doc; compaction deletes rows up to it. */
	lastUpdateId: number;
	/** Log rows not yet folded into the snapshot. */
	logRows: number;
	/** Bytes the document takes in storage: the snapshot plus every log row (its size budget counts these). */
	storedBytes: number;
};

/**
 * Applies the stored snapshot and every later log row to `doc`. Call it before attaching the doc's
 * 'update' listener, so replayed state is neither stored again nor broadcast.
 */
export function loadDocState(db: Db, docName: string, doc: Y.Doc): LoadedState {
	return db.transaction((tx) => {
		// One read transaction so a concurrent compaction cannot slip between the two reads.
		const snapshot = tx
			.select({ state: yjsSnapshot.state })
			.from(yjsSnapshot)
			.where(eq(yjsSnapshot.docName, docName))
			.get();
		const rows = tx
			.select({ id: yjsUpdate.id, update: yjsUpdate.update })
			.from(yjsUpdate)
			.where(eq(yjsUpdate.docName, docName))
			.orderBy(asc(yjsUpdate.id))
			.all();
		Y.transact(doc, () => {
			if (snapshot) Y.applyUpdate(doc, snapshot.state);
			for (const row of rows) Y.applyUpdate(doc, row.update);
		});
		const storedBytes = rows.reduce((n, row) => n + row.update.byteLength, snapshot?.state.byteLength ?? 0);
		return { lastUpdateId: rows.at(-1)?.id ?? 0, logRows: rows.length, storedBytes };
	});
}

/** Appends one update to the log and returns its row id. */
export function appendUpdate(db: Db, docName: string, update: Uint8Array): number {
	const result = db
		.insert(yjsUpdate)
		.values({ docName, update: Buffer.from(update.buffer, update.byteOffset, update.byteLength) })
		.run();
	return Number(result.lastInsertRowid);
}

/**
 * In one transaction, stores the doc's merged state as its snapshot and deletes the log rows it
 * contains (ids up to `lastUpdateId`); rows appended later by someone else survive. Returns the
 * snapshot's size in bytes.
 */
export function compactDoc(db: Db, docName: string, doc: Y.Doc, lastUpdateId: number): number {
	const state = Buffer.from(Y.encodeStateAsUpdate(doc));
	const updatedAt = new Date();
	db.transaction((tx) => {
		tx.insert(yjsSnapshot)
			.values({ docName, state, updatedAt })
			.onConflictDoUpdate({ target: yjsSnapshot.docName, set: { state, updatedAt } })
			.run();
		tx.delete(yjsUpdate)
			.where(and(eq(yjsUpdate.docName, docName), lte(yjsUpdate.id, lastUpdateId)))
			.run();
	});
	return state.byteLength;
}
