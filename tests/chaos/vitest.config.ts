import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The chaos suite drives the built server in child processes (like tests/integration) and needs `$lib`
// for the database checks. Its files run one after another: each starts servers and hundreds of
// sockets, and the machines it runs on have few cores.
export default defineConfig({
	resolve: { alias: { $lib: fileURLToPath(new URL('../../src/lib', import.meta.url)) } },
	test: {
		root: fileURLToPath(new URL('../..', import.meta.url)),
		include: ['tests/chaos/**/*.test.ts'],
		environment: 'node',
		fileParallelism: false,
		testTimeout: 30 * 60_000,
		hookTimeout: 120_000
	}
});
