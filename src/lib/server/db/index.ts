import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema';
import { scrubWal } from './scrub';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A transaction handle, for helpers that run inside or outside one. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Opens (creating if needed) the SQLite file and applies the committed migrations. A Buffer opens an
 * in-memory copy of a serialized database (tests start each case from one seeded template).
 * WAL lets readers run beside the single writer; synchronous=FULL because an acknowledged ballot or
 * edit must survive a power cut (group commit keeps it cheap, see docs/benchmarks.md). secure_delete
 * zeroes deleted rows and freed pages, so a closed secret poll's ballot box leaves nothing behind, and
 * the WAL left by a previous run (which may hold such rows) is truncated at start (db/scrub.ts).
 */
export function openDatabase(path: string | Buffer, migrationsFolder = resolve('drizzle')): Db {
	if (typeof path === 'string' && path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
	const client = new Database(path);
	client.pragma('journal_mode = WAL');
	client.pragma('synchronous = FULL');
	client.pragma('foreign_keys = ON');
	client.pragma('busy_timeout = 5000');
	client.pragma('secure_delete = ON');
	const db = drizzle(client, { schema }) as Db;
	migrate(db, { migrationsFolder });
	scrubWal(db);
	return db;
}

let current: Db | undefined;

/**
 * The process's database, opened once by the server's init hook, which hands it to requests and
 * sockets through src/lib/server/services.ts (a second call returns the same handle).
 */
export function initDb(path: string): Db {
	current ??= openDatabase(path);
	return current;
}

export function closeDb() {
	current?.$client.close();
	current = undefined;
}

export { schema };
