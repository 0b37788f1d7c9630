/**
 * `npm run bench [-- name…]` lands here (through ./run.mjs and Vitest): each selected bench starts
 * the production build on a temporary database and its bare baseline as child processes, drives
 * both from this process, and the figures go to tests/bench/results/ and docs/benchmarks.md.
 */
import { it } from 'vitest';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '$lib/server/db';
import { startChild, type Child } from './lib/proc';
import { BENCHES, saveResults, type BenchName } from './report';
import { voteBurst } from './vote-burst';
import { memory } from './memory';
import { storage } from './storage';
import { coediting } from './coediting';
import { phone } from './phone';

const selected = (process.env.BENCH_ONLY || BENCHES.join(',')).split(',').filter(Boolean) as BenchName[];

const log = (s: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

/** The app on a fresh temporary database (demo community seeded), with a handle on that database. */
async function withApp<T>(run: (app: Child, db: Db) => Promise<T>): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), 'yizhan-bench-'));
	const dbPath = join(dir, 'bench.db');
	const app = await startChild('build/server/index.js', { DATABASE_PATH: dbPath, DEMO_SEED: 'roster' });
	const db = openDatabase(dbPath);
	try {
		return await run(app, db);
	} finally {
		db.$client.close();
		await app.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}

async function withBaseline<T>(script: string, run: (b: Child) => Promise<T>): Promise<T> {
	const b = await startChild(script);
	try {
		return await run(b);
	} finally {
		await b.stop();
	}
}

const runners: Record<BenchName, () => Promise<unknown>> = {
	'vote-burst': () =>
		withApp((app, db) =>
			withBaseline('tests/bench/baseline-socketio.mjs', (b) => voteBurst(app, db, b, log))
		),
	memory: () =>
		withApp((app, db) => withBaseline('tests/bench/baseline-socketio.mjs', (b) => memory(app, db, b, log))),
	storage: () => storage(log),
	coediting: () =>
		withApp((app, db) => withBaseline('tests/bench/baseline-yjs.mjs', (b) => coediting(app, db, b, log))),
	phone: () => withApp((app, db) => phone(app, db, log))
};

/** BENCH_PROFILE_DIR: a CPU profile of this process (the load generator, and storage's domain calls). */
async function profiled<T>(run: () => Promise<T>): Promise<T> {
	const dir = process.env.BENCH_PROFILE_DIR;
	if (!dir) return run();
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.start');
	try {
		return await run();
	} finally {
		const { profile } = await session.post('Profiler.stop');
		writeFileSync(join(dir, `load-${Date.now()}.cpuprofile`), JSON.stringify(profile));
		session.disconnect();
	}
}

it('benchmarks', () => profiled(runAll));

async function runAll() {
	const results: Partial<Record<BenchName, unknown>> = {};
	for (const name of selected) {
		const t0 = performance.now();
		log(`${name}: starting`);
		try {
			results[name] = await runners[name]();
		} catch (e) {
			log(`${name} failed: ${(e as Error).stack}`);
			results[name] = { error: (e as Error).message };
		}
		log(`${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
	}
	const { json, doc } = await saveResults(results);
	log(`results: ${json}; table: ${doc}`);
}
