/**
 * Shared pieces of the hostile-input fuzzers: the seed (fixed, printed, overridable with FUZZ_SEED),
 * the run count (FUZZ_RUNS), hostile values, and a digest of the database read from the server's own
 * SQLite file (readonly), so a test can prove a refused input changed nothing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { ERROR_CODES } from '$lib/server/domain/errors';

/** One seed for the whole suite; a failure prints it with fast-check's path to replay it. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20260708);
/** Inputs per area in `npm test`; raise it for a long run (FUZZ_RUNS=2000). */
export const fuzzRuns = (fallback: number) => Number(process.env.FUZZ_RUNS ?? fallback);

/** A test timeout that grows with FUZZ_RUNS, so a long run is not cut off by the default one. */
export const fuzzTimeout = (defaultRuns: number, msPerRun: number) =>
	Math.max(120_000, fuzzRuns(defaultRuns) * msPerRun + 30_000);

export function fuzzParams(runs: number): fc.Parameters<unknown> {
	return {
		seed: FUZZ_SEED,
		numRuns: fuzzRuns(runs),
		// Replays one failing input: FUZZ_SEED=3 FUZZ_PATH=741 (the path a failure prints).
		...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
		endOnFailure: true,
		// Counterexamples hold 100 KB strings: print them cut short (the seed and path replay them).
		reporter: (out) => {
			if (out.failed)
				throw new Error(
					`fuzz failed at run ${out.numRuns} (FUZZ_SEED=${FUZZ_SEED}, path ${out.counterexamplePath}): ` +
						`${String(out.errorInstance ?? '').slice(0, 1500)}\ninput: ${fc.stringify(out.counterexample).slice(0, 1500)}`
				);
		}
	};
}

export function announceSeed(area: string) {
	console.log(`[fuzz] ${area}: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${process.env.FUZZ_RUNS ?? '(default)'}`);
}

/** Codes a client may see: the domain's, plus the generic ones the transports add. */
export const KNOWN_CODES = new Set<string>(ERROR_CODES);

// ---------------------------------------------------------------------------------------------------
// Hostile values

export const HTML_PAYLOADS = [
	'<script>alert(1)</script>',
	'"><img src=x onerror=alert(1)>',
	"'><svg onload=alert(1)>",
	'javascript:alert(1)',
	'</textarea><script>alert(1)</script>'
];
export const CSV_FORMULAS = [
	'=HYPERLINK("http://evil.example","x")',
	"+cmd|' /C calc'!A0",
	'@SUM(1+1)*cmd',
	'-2+3'
];

const oddStrings = fc.constantFrom(
	'',
	' ',
	'\u0000',
	'\u202e\u202d',
	'𠮷𠮷𠮷',
	'NaN',
	'Infinity',
	'-1',
	'0',
	'1e309',
	'9007199254740993',
	'__proto__',
	'constructor',
	'%00',
	'../../etc/passwd',
	'null',
	'true',
	'[]',
	'{}',
	...HTML_PAYLOADS,
	...CSV_FORMULAS
);

/** A string a form field or a payload might receive from someone hostile. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: oddStrings },
	{ weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme' }) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
	{ weight: 1, arbitrary: fc.integer({ min: -5, max: 60 }).map(String) },
	{ weight: 1, arbitrary: fc.constantFrom(100_000, 70_000).map((n) => 'x'.repeat(n)) }
);

/** Any JSON-ish value: wrong types, deep nesting, huge numbers, prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
	v: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		hostileString,
		fc.constantFrom(
			null,
			undefined,
			true,
			false,
			NaN,
			Infinity,
			-Infinity,
			0,
			-0,
			-1,
			1.5,
			2 ** 53 + 2,
			1e308
		),
		fc.integer({ min: -3, max: 500 }),
		fc.array(tie('v'), { maxLength: 4 }),
		fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a', 'meetingId', 'pollId', 'x'), tie('v'), {
			maxKeys: 3
		})
	)
})).v;

// ---------------------------------------------------------------------------------------------------
// Database digest

/** Tables that change without any input being accepted (logins, sliding session expiry). */
const VOLATILE = new Set(['session', 'sqlite_sequence', '__drizzle_migrations']);

/** Per table, a hash of every row; read with a separate readonly handle (WAL lets it see commits). */
export function dbDigest(dbPath: string): Record<string, string> {
	const db = new Database(dbPath, { readonly: true, fileMustExist: true });
	try {
		const tables = (
			db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as Array<{
				name: string;
			}>
		)
			.map((t) => t.name)
			.filter((n) => !VOLATILE.has(n));
		const out: Record<string, string> = {};
		for (const t of tables) {
			const rows = db.prepare(`select * from "${t}"`).raw().all();
			const h = createHash('sha256');
			for (const r of rows)
				h.update(
					JSON.stringify(r, (_k, val) =>
						Buffer.isBuffer(val) ? val.toString('base64') : typeof val === 'bigint' ? String(val) : val
					)
				);
			out[t] = `${rows.length}:${h.digest('hex').slice(0, 16)}`;
		}
		return out;
	} finally {
		db.close();
	}
}

/** The tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
	return [...keys].filter((k) => before[k] !== after[k]).sort();
}

export async function healthy(url: string): Promise<boolean> {
	try {
		const res = await fetch(`${url}/healthz`);
		return res.ok && ((await res.json()) as { ok: boolean }).ok;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------------------------------------------
// Source scans: what exists, so a new event or action without fuzzing fails the suite

const root = join(import.meta.dirname, '..', '..');

/** Socket.IO events the server registers (`socket.on('x'` across src/lib/server/realtime). */
export function registeredSocketEvents(): string[] {
	const dir = join(root, 'src/lib/server/realtime');
	const events = new Set<string>();
	for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
		const src = readFileSync(join(dir, f), 'utf8');
		for (const m of src.matchAll(/socket\.on\(\s*'([a-zA-Z]+:[a-zA-Z]+)'/g)) events.add(m[1]);
	}
	return [...events].sort();
}

/** Client-to-server events declared in the shared protocol (src/lib/realtime/*.ts `*ClientEvents`). */
export function declaredClientEvents(): string[] {
	const dir = join(root, 'src/lib/realtime');
	const events = new Set<string>();
	for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
		const src = readFileSync(join(dir, f), 'utf8');
		for (const block of src.matchAll(/interface (?!ServerTo)\w*ClientEvents[^{]*\{([\s\S]*?)\n\}/g))
			for (const m of block[1].matchAll(/^\t'([a-zA-Z]+:[a-zA-Z]+)'\s*:/gm)) events.add(m[1]);
	}
	return [...events].sort();
}

export type RouteFile = {
	file: string;
	route: string;
	/** The file exports `actions` (then `actions` must have found their names). */
	hasActions: boolean;
	actions: string[];
	fields: string[];
	handlers: string[];
};

/** Every +page.server.ts with `actions` and every +server.ts, with action names and likely field names. */
export function scanRoutes(): RouteFile[] {
	const base = join(root, 'src/routes');
	const out: RouteFile[] = [];
	const walk = (dir: string) => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.name === '+page.server.ts' || e.name === '+server.ts') {
				const src = readFileSync(p, 'utf8');
				const route = '/' + dir.slice(base.length + 1);
				const actions: string[] = [];
				const block = src.split('export const actions')[1];
				if (block)
					for (const m of block.matchAll(/^\t(?:async )?([a-zA-Z]+)\s*(?::|\()/gm))
						if (m[1] !== 'return') actions.push(m[1]);
				const fields = new Set<string>();
				for (const m of src.matchAll(/\b([a-zA-Z]+)\s*:\s*(?:v\.|id\b|Id\b|idString|optionalId|text|day\b)/g))
					fields.add(m[1]);
				for (const m of src.matchAll(/\.get(?:All)?\('([a-zA-Z]+)'\)/g)) fields.add(m[1]);
				const handlers = [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
				out.push({
					file: p.slice(root.length + 1),
					route,
					hasActions: block !== undefined,
					actions,
					fields: [...fields],
					handlers
				});
			}
		}
	};
	walk(base);
	return out.sort((a, b) => a.route.localeCompare(b.route));
}
