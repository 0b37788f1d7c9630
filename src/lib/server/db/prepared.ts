/**
 * Hot-path queries built and prepared once per database handle instead of on every call: building a
 * Drizzle query (SQL text, field mapping, then better-sqlite3's prepare) cost more than running it on
 * the ballot and per-packet paths (profiled: about half of castBallot and of the socket guard).
 * Use `sql.placeholder` for the values; the result maps rows exactly as the unprepared query would.
 */
import type { Db } from './index';

const byDb = new WeakMap<Db, Map<string, unknown>>();

/** The query `build` returns, built once for `db` under `name` (unique per call site). */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
	let queries = byDb.get(db);
	if (!queries) byDb.set(db, (queries = new Map()));
	let q = queries.get(name) as T | undefined;
	if (q === undefined) {
		q = build(db);
		queries.set(name, q);
	}
	return q;
}
