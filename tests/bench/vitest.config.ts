import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The bench driver runs under Vitest only for TypeScript and `$lib` (it seeds the server's database
// with the app's own domain code); it is one long "test" that measures and never asserts speed.
export default defineConfig({
	root: fileURLToPath(new URL('../..', import.meta.url)),
	resolve: { alias: { $lib: fileURLToPath(new URL('../../src/lib', import.meta.url)) } },
	test: {
		include: ['tests/bench/suite.ts'],
		environment: 'node',
		pool: 'forks',
		maxWorkers: 1,
		fileParallelism: false,
		testTimeout: 30 * 60_000,
		hookTimeout: 120_000,
		disableConsoleIntercept: true
	}
});
