/**
 * The databases tests start from, built once per test run and copied for each test. Migrating costs
 * ~30 ms and the demo seed ~0.5 s (argon2 hashes, rows, points); opening a copy of the bytes costs
 * ~3 ms. Built at the start of every run, never kept between runs: a template can then never be older
 * than the migrations, the seed or the date (the seed grants this year's points), however much the
 * seed grows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db';
import { seedDemoIfEmpty } from '$lib/server/domain/demo-seed';

export type DbTemplates = {
	/** A file holding a serialized database with every migration applied and nothing in it. */
	empty: string;
	/** The same with the demo community seeded (see src/lib/server/domain/demo-seed.ts). */
	demo: string;
	/** What the demo seed printed (the residents' invitation links). */
	demoOutput: string;
};

export async function writeDbTemplates(dir: string): Promise<DbTemplates> {
	const db = openDatabase(':memory:');
	const templates = { empty: join(dir, 'empty.db'), demo: join(dir, 'demo.db'), demoOutput: '' };
	writeFileSync(templates.empty, db.$client.serialize());
	const log = console.log;
	console.log = (...args: unknown[]) => (templates.demoOutput += args.join(' ') + '\n');
	try {
		await seedDemoIfEmpty(db);
	} finally {
		console.log = log;
	}
	writeFileSync(templates.demo, db.$client.serialize());
	db.$client.close();
	return templates;
}

let bytes: Record<'empty' | 'demo', Buffer> | undefined;

/** A fresh in-memory copy of one of the run's templates (tests/setup/db-templates.ts builds them). */
export function openTemplate(name: 'empty' | 'demo'): Db {
	const paths = inject('dbTemplates');
	bytes ??= { empty: readFileSync(paths.empty), demo: readFileSync(paths.demo) };
	return openDatabase(bytes[name]);
}

/** A fresh database with every migration applied and nothing in it. */
export function emptyDb(): Db {
	return openTemplate('empty');
}
