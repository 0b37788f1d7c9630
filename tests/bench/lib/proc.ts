/**
 * Child processes of a bench run: the production server (build/server/index.js) on a temporary
 * database, or a bare baseline, pinned to its own core when `taskset` is there, with a raised fd limit
 * and the stats preload (./server-stats.mjs) answering over IPC.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';

export type Stats = {
	cpuUs: number;
	rss: number;
	heapUsed: number;
	peakRss: number;
	eld: { p50: number; p99: number; max: number };
};

export type Child = {
	url: string;
	pid: number;
	output: () => string;
	/** Snapshot; `reset` also restarts the event-loop histogram and the peak RSS. */
	stats: (mode?: 'read' | 'reset' | 'gc') => Promise<Stats>;
	stop: () => Promise<void>;
};

const hasTaskset = spawnSync('taskset', ['-p', String(process.pid)]).status === 0;
/** The server's core, the load generator's core (the launcher pins us to the latter). */
export const pinning = hasTaskset && cpus().length >= 2 ? { server: '0', load: '1' } : null;

export function startChild(
	script: string,
	env: Record<string, string> = {},
	nodeArgs: string[] = []
): Promise<Child> {
	const node = [
		process.execPath,
		'--expose-gc',
		'--import',
		'./tests/bench/server-stats.mjs',
		...nodeArgs,
		...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
		script
	];
	const pin = pinning ? `taskset -c ${pinning.server} ` : '';
	const cmd = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${pin}${node.map(q).join(' ')}`;
	const child = spawn('sh', ['-c', cmd], {
		env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', ...env },
		stdio: ['ignore', 'pipe', 'pipe', 'ipc']
	});
	let out = '';
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	let seq = 0;
	const waiting = new Map<number, (s: Stats) => void>();
	child.on('message', (m: Stats & { id: number }) => {
		waiting.get(m.id)?.(m);
		waiting.delete(m.id);
	});
	const stats = (mode: 'read' | 'reset' | 'gc' = 'read') =>
		new Promise<Stats>((resolve, reject) => {
			const id = ++seq;
			const t = setTimeout(() => reject(new Error('server stats timed out')), 30_000);
			waiting.set(id, (s) => {
				clearTimeout(t);
				resolve(s);
			});
			child.send({ bench: mode, id });
		});
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 60_000);
		const onData = () => {
			const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
			if (!m) return;
			clearTimeout(timer);
			child.stdout!.off('data', onData);
			resolve({ url: m[1], pid: child.pid!, output: () => out, stats, stop: () => stop(child) });
		};
		child.stdout!.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${script} exited with ${code}:\n${out}`));
		});
	});
}

function q(s: string) {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}

function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
		child.once('exit', () => {
			clearTimeout(force);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

/** The load generator's own CPU over a window, as a share of one core. */
export function loadMeter() {
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	return () => {
		const c = process.cpuUsage(c0);
		const ms = performance.now() - t0;
		return { cpuUs: c.user + c.system, wallMs: ms, share: (c.user + c.system) / 1000 / ms };
	};
}
