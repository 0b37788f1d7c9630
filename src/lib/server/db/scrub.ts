/**
 * SQLite's part in keeping a secret poll's ballots unlinkable on disk (the rule itself is in
 * domain/secret-ballots.ts). Deleted rows are zeroed in place (`secure_delete`, set when the database
 * opens); what is left is the WAL: it keeps every page image each commit wrote, so the ballot box's
 * batches stay readable there after close until the WAL is copied into the main file and truncated to
 * zero bytes. The wal-index (-shm) only maps frames to page numbers and holds no row.
 */
import type { Db } from './index';

const RETRY_MS = 1000;
const pending = new WeakMap<Db, ReturnType<typeof setTimeout>>();

/**
 * Copies the WAL into the main file and truncates it. False when another connection (a backup
 * running) still reads an older snapshot, or this one is inside a transaction: try again later.
 * Never waits: a reader would otherwise hold up the server's event loop for the busy timeout.
 */
export function truncateWal(db: Db): boolean {
	const c = db.$client;
	if (c.memory || !c.open) return true;
	if (c.inTransaction) return false;
	const timeout = c.pragma('busy_timeout', { simple: true }) as number;
	c.pragma('busy_timeout = 0');
	try {
		const [r] = c.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
		return r.busy === 0;
	} catch {
		return false; // SQLITE_BUSY or LOCKED
	} finally {
		c.pragma(`busy_timeout = ${timeout}`);
	}
}

/** Truncates the WAL now, or keeps trying every second until no reader holds an older snapshot. */
export function scrubWal(db: Db) {
	if (pending.has(db) || truncateWal(db)) return;
	const retry = () => {
		pending.delete(db);
		if (db.$client.open && !truncateWal(db)) pending.set(db, setTimeout(retry, RETRY_MS).unref());
	};
	pending.set(db, setTimeout(retry, RETRY_MS).unref());
}
