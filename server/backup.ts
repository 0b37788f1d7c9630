/**
 * `npm run backup [-- <folder>]`: a consistent copy of the live database, taken while the app runs,
 * with `VACUUM INTO` (one read transaction: the app keeps serving; the copy is one point in time), plus
 * the follow-up photos kept beside it. The copy is checked (integrity_check) before it is reported.
 * Restoring is in docs/operations.md ("Backups").
 *
 * `VACUUM INTO` rather than a page copy: it writes every table afresh in key order, so the ballot box
 * of a secret poll still open (keyed by random receipts) holds no order of arrival, and nothing
 * deleted, freed or only in the WAL comes along (docs/reliability.md, "Threats").
 */
import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type BackupResult = {
	folder: string;
	database: string;
	pages: number;
	photos: boolean;
	counts: Record<string, number>;
};

/** Counted in the report so a restore can be checked against it. */
const COUNTED = ['poll_vote', 'attendance', 'resolution', 'audit_entry'] as const;

export async function backup(
	databasePath: string,
	folder: string,
	uploadsDir?: string
): Promise<BackupResult> {
	if (!existsSync(databasePath)) throw new Error(`no database at ${databasePath}`);
	mkdirSync(folder, { recursive: true });
	const database = join(folder, 'yizhan.db');
	if (existsSync(database)) throw new Error(`${database} exists already; choose another folder`);
	const source = new Database(databasePath, { fileMustExist: true });
	try {
		source.pragma('busy_timeout = 5000');
		source.prepare('VACUUM INTO ?').run(database);
	} finally {
		source.close();
	}
	const copy = new Database(database, { fileMustExist: true });
	try {
		const check = copy.pragma('integrity_check', { simple: true });
		if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
		copy.pragma('journal_mode = DELETE'); // one self-contained file
		const pages = copy.pragma('page_count', { simple: true }) as number;
		const counts = Object.fromEntries(
			COUNTED.map((t) => [t, (copy.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n])
		);
		// Photos are written once and never changed, so a plain copy after the database is consistent
		// with it (a photo newer than the copy is harmless; none the copy names can be missing).
		const photos = !!uploadsDir && existsSync(uploadsDir);
		if (photos) cpSync(uploadsDir!, join(folder, 'uploads'), { recursive: true });
		return { folder, database, pages, photos, counts };
	} finally {
		copy.close();
	}
}

function stamp(d = new Date()): string {
	return d.toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

async function main() {
	const databasePath = resolve(process.env.DATABASE_PATH || './data/yizhan.db');
	const uploadsDir = resolve(process.env.UPLOADS_DIR || join(dirname(databasePath), 'uploads'));
	const folder = resolve(process.argv[2] || join(dirname(databasePath), 'backups', stamp()));
	const r = await backup(databasePath, folder, uploadsDir);
	console.log(`backup of ${databasePath} written to ${r.folder}`);
	console.log(`  ${r.pages} pages, integrity ok, photos ${r.photos ? 'copied' : 'none'}`);
	console.log(
		`  ${Object.entries(r.counts)
			.map(([t, n]) => `${t} ${n}`)
			.join(', ')}`
	);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
	main().catch((e: unknown) => {
		console.error(`backup failed: ${e instanceof Error ? e.message : String(e)}`);
		process.exit(1);
	});
}
