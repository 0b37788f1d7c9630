import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit and integration tests run plain Node code; they need `$lib` but none of the app's Vite plugins
// (integration tests drive the built server in a child process).
export default defineConfig({
	resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		// Migrates and seeds once per run; tests copy the result (tests/helpers/db-templates.ts).
		globalSetup: ['tests/setup/db-templates.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
