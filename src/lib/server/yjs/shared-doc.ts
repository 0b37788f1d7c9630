import * as Y from 'yjs';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import type { Db } from '../db/index';
import type { EditListener } from '../domain/ports';
import { YjsCloseCode } from './close-codes';
import type { Connection } from './connection';
import { encodeAwarenessMessage, encodeSyncStep1Message, encodeUpdateMessage } from './protocol';
import { appendUpdate, compactDoc, loadDocState } from './store';

type AwarenessChanges = { added: number[]; updated: number[]; removed: number[] };

/**
 * A connection's awareness client id: the first one it published (a connection speaks for one
 * client), and whether it still owns that id, i.e. removes its state when it closes. A client that
 * reconnects keeps its id, so its new connection takes the id over from the stale one.
 */
type Presence = { clientId: number | undefined; owns: boolean };

/**
 * One loaded document with its connections. Invariant: every change in `doc` is in SQLite (log or
 * snapshot) before any client other than its author hears of it; if a write fails the doc is
 * `broken`, stops accepting messages and is dropped so the next client reloads from the database.
 */
export class SharedDoc {
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness = new Awareness(this.doc);
	/** Each connection with its awareness client id, whose state is removed when it leaves. */
	readonly conns = new Map<Connection, Presence>();
	broken = false;
	private unloaded = false;
	/** Highest log row id contained in `doc`; compaction deletes the log up to it. */
	private lastUpdateId: number;
	/** Log rows not yet folded into the snapshot. */
	logRows: number;
	/** Bytes this document takes in storage, snapshot plus log (see WriteBudgets). */
	storedBytes: number;

	/** Loads synchronously, so the first client's sync step 1 is answered with the stored state. */
	constructor(
		readonly name: string,
		private readonly db: Db,
		private readonly compactAfterUpdates: number,
		private readonly onUnload: (doc: SharedDoc) => void,
		private readonly onEdit?: EditListener
	) {
		this.awareness.setLocalState(null); // the server itself is not a participant
		try {
			({
				lastUpdateId: this.lastUpdateId,
				logRows: this.logRows,
				storedBytes: this.storedBytes
			} = loadDocState(db, name, this.doc));
		} catch (err) {
			this.doc.destroy();
			throw err;
		}
		this.doc.on('update', this.onUpdate);
		this.awareness.on('update', this.onAwarenessUpdate);
		if (this.logRows > compactAfterUpdates) this.compact();
	}

	addConnection(conn: Connection): void {
		this.conns.set(conn, { clientId: undefined, owns: false });
		conn.send(encodeSyncStep1Message(this.doc));
		const clients = [...this.awareness.getStates().keys()];
		if (clients.length > 0) conn.send(encodeAwarenessMessage(this.awareness, clients));
	}

	/** Forgets a connection; the last one out compacts and unloads the doc. */
	removeConnection(conn: Connection): void {
		const presence = this.conns.get(conn);
		if (!presence) return;
		this.conns.delete(conn);
		if (presence.owns && presence.clientId !== undefined) {
			removeAwarenessStates(this.awareness, [presence.clientId], null);
		}
		if (this.conns.size === 0) this.unload();
	}

	/**
	 * Whether `conn` may publish the awareness state of `clientId`: only the first id it used (binding
	 * it now if it has none), never the server's own, and never one whose state another user's
	 * connection owns. The same user's connection takes the id over: that is a reconnect. (Taken at
	 * the claim, not when the state applies: a reconnecting client resends its last clock, which the
	 * awareness ignores as already known.)
	 */
	claimAwarenessClient(conn: Connection, clientId: number): boolean {
		const presence = this.conns.get(conn);
		if (!presence || clientId === this.awareness.clientID) return false;
		if (presence.clientId !== undefined && presence.clientId !== clientId) return false;
		for (const [other, p] of this.conns) {
			if (other !== conn && p.owns && p.clientId === clientId && other.ctx.user.id !== conn.ctx.user.id) {
				return false;
			}
		}
		if (!presence.owns) {
			for (const p of this.conns.values()) if (p.clientId === clientId) p.owns = false;
		}
		presence.clientId = clientId;
		presence.owns = true;
		return true;
	}

	/** Compacts (unless broken) and frees the doc; its connections are simply forgotten. */
	unload(): void {
		if (this.unloaded) return;
		this.unloaded = true;
		// A broken doc holds changes the database lacks; snapshotting it would store them unannounced.
		if (!this.broken && this.logRows > 0) this.compact();
		this.conns.clear();
		this.doc.destroy(); // also destroys the awareness and its timer
		this.onUnload(this);
	}

	/** Folds the log into the snapshot; a failure only costs disk space, so it is logged and retried later. */
	compact(): void {
		try {
			this.storedBytes = compactDoc(this.db, this.name, this.doc, this.lastUpdateId);
			this.logRows = 0;
		} catch (err) {
			console.error(`[yjs] doc=${this.name}: compaction failed: ${(err as Error).message}`);
		}
	}

	/**
	 * Stores what the transaction actually changed (not the raw client message, which may repeat known
	 * content or the whole delete set), then relays it to everyone but its author.
	 */
	private onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
		if (this.broken) return;
		try {
			this.lastUpdateId = appendUpdate(this.db, this.name, update);
			this.logRows++;
			this.storedBytes += update.byteLength;
		} catch (err) {
			this.breakDoc(err);
			return;
		}
		this.creditEdit(tr);
		const message = encodeUpdateMessage(update);
		for (const conn of this.conns.keys()) if (conn !== origin) conn.send(message);
		if (this.logRows > this.compactAfterUpdates) this.compact();
	};

	/** Tells the listener who changed what, for a client's change once it is stored. */
	private creditEdit(tr: Y.Transaction): void {
		const conn = tr.origin as Connection;
		if (!this.onEdit || this.broken || !this.conns.has(conn) || tr.changed.size === 0) return;
		try {
			this.onEdit(this.name, conn.ctx.user.id, tr);
		} catch (err) {
			console.error(`[yjs] doc=${this.name}: edit listener failed: ${(err as Error).message}`);
		}
	}

	private breakDoc(err: unknown): void {
		console.error(`[yjs] doc=${this.name}: storing an update failed: ${(err as Error).message}`);
		this.broken = true;
		this.onUnload(this); // new connections load a fresh copy from the database
		// Providers reconnect and resend their unstored edits through sync step 2.
		for (const conn of this.conns.keys()) conn.close(YjsCloseCode.internalError, 'storage error');
	}

	/** Relays the server's copy of what changed (never a client's raw message) to every connection. */
	private onAwarenessUpdate = ({ added, updated, removed }: AwarenessChanges): void => {
		const message = encodeAwarenessMessage(this.awareness, added.concat(updated, removed));
		for (const conn of this.conns.keys()) conn.send(message);
	};
}
