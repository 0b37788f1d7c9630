import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit and integration tests run plain Node code; they need `$lib` but none of the app's Vite plugins
// (integration tests drive the built server in a child process).
export default defineConfig({
	resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
	test: {
		environment: 'node',
		// Vitest's default leaves one core to its main process, which is mostly idle here: on two cores
		// that is one worker. Integration files mostly wait on their server, so two overlap well.
		maxWorkers: Math.max(2, availableParallelism() - 1),
		// Migrates and seeds once per run; tests copy the result (tests/helpers/db-templates.ts).
		globalSetup: ['tests/setup/db-templates.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		projects: [
			{
				extends: true,
				// Unit files share each worker's modules instead of importing the domain afresh per file
				// (half the unit run's CPU). They keep no state in modules: every test opens its own
				// database, and src/lib/server keys its caches by database.
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], isolate: false }
			},
			{ extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'] } }
		]
	}
});
