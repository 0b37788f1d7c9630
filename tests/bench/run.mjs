#!/usr/bin/env node
/**
 * `npm run bench [-- vote-burst memory storage coediting phone]`: builds when the build is missing or
 * older than the sources, then runs the bench driver (./suite.ts, through Vitest for TypeScript and
 * `$lib`) pinned to its own core with a raised fd limit. Stops on its own after BENCH_TIMEOUT_S.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const BENCHES = ['vote-burst', 'memory', 'storage', 'coediting', 'phone'];
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = names.filter((n) => !BENCHES.includes(n));
if (unknown.length) {
	console.error(`unknown bench: ${unknown.join(', ')} (choose from ${BENCHES.join(', ')})`);
	process.exit(2);
}

function newest(dir) {
	let t = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

const built = 'build/server/index.js';
const manifest = '.svelte-kit/output/client/.vite/manifest.json';
const stale =
	!existsSync(built) ||
	!existsSync(manifest) ||
	Math.max(newest('src'), newest('server')) > Math.min(statSync(built).mtimeMs, statSync(manifest).mtimeMs);
if (stale) {
	console.log('bench: building the production server first');
	const b = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
	if (b.status !== 0) process.exit(b.status ?? 1);
}

const pin = spawnSync('taskset', ['-p', String(process.pid)]).status === 0 && cpus().length >= 2;
const vitest = `exec ${pin ? 'taskset -c 1 ' : ''}npx vitest run --config tests/bench/vitest.config.ts`;
const child = spawn(
	'sh',
	['-c', `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; ${vitest}`],
	{
		stdio: 'inherit',
		env: { ...process.env, BENCH_ONLY: names.join(',') },
		detached: true
	}
);
const limit = Number(process.env.BENCH_TIMEOUT_S ?? 900);
const timer = setTimeout(() => {
	console.error(`bench: stopped after ${limit} s`);
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		/* already gone */
	}
}, limit * 1000);
for (const sig of ['SIGINT', 'SIGTERM'])
	process.on(sig, () => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
		process.exit(130);
	});
child.on('exit', (code) => {
	clearTimeout(timer);
	process.exit(code ?? 1);
});
