/**
 * Starts the real production server (build/server/index.js) as a child process on port 0 with a
 * temporary database, the way a newcomer's `npm start` runs it. Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestServer = {
	url: string;
	dbPath: string;
	/** Everything the server printed (demo links are printed on first start). */
	output: () => string;
	stop: (signal?: NodeJS.Signals) => Promise<void>;
	/** Stops and starts again on the same database (a new port). */
	restart: () => Promise<TestServer>;
	cleanup: () => Promise<void>;
};

export async function startServer(
	opts: { dbPath?: string; env?: Record<string, string>; ownedDir?: string } = {}
): Promise<TestServer> {
	// The temporary folder is removed by whichever server last ran on it (restart hands it on).
	const dir = opts.ownedDir ?? (opts.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'yizhan-test-')));
	const dbPath = opts.dbPath ?? join(dir!, 'test.db');
	const child = spawn(process.execPath, ['build/server/index.js'], {
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: '0',
			HOST: '127.0.0.1',
			DATABASE_PATH: dbPath,
			// The roster and staff accounts only, which the tests count on; the demo story's own test asks
			// for it (tests/integration/demo-story.test.ts).
			DEMO_SEED: 'roster',
			...opts.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
		const onData = () => {
			const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		};
		child.stdout!.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}:\n${out}`));
		});
	});
	const stop = (signal: NodeJS.Signals = 'SIGTERM') => stopChild(child, signal);
	const server: TestServer = {
		url,
		dbPath,
		output: () => out,
		stop,
		restart: async () => {
			await stop();
			return startServer({ ...opts, dbPath, ownedDir: dir });
		},
		cleanup: async () => {
			await stop();
			if (dir) rmSync(dir, { recursive: true, force: true });
		}
	};
	return server;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill(signal);
	});
}

/** Demo resident invitation links the server printed on first start. */
export function demoInvitationPaths(output: string): string[] {
	return [...output.matchAll(/demo resident #\d+: (\/join\/[a-z2-7]+)/g)].map((m) => m[1]);
}
