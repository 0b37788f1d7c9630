import { defineConfig, devices } from '@playwright/test';

// Playwright never downloads a browser here: it drives Debian's Chromium (override with CHROMIUM_PATH).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Each worker drives its own server (tests/e2e/global-setup.ts starts one per worker). Workers load
// this file too, with their slot in TEST_PARALLEL_INDEX: point the tests' E2E_* variables at it.
const slot = process.env.TEST_PARALLEL_INDEX;
if (slot !== undefined && process.env[`E2E_BASE_URL_${slot}`]) {
	for (const name of ['E2E_BASE_URL', 'E2E_DB_PATH', 'E2E_SERVER_OUTPUT'])
		process.env[name] = process.env[`${name}_${slot}`];
}

export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/global-setup.ts',
	// Files run side by side, each file's tests in order; two workers keep two cores busy while one
	// worker waits on its server or browser.
	fullyParallel: false,
	workers: 2,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? 'list' : [['list']],
	use: {
		// Set by global-setup, which starts the built server on a free port.
		baseURL: process.env.E2E_BASE_URL,
		locale: 'zh-CN',
		trace: 'retain-on-failure',
		// The app's service worker would serve its scripts from cache, past a test's blocked routes;
		// tests/e2e/pwa.test.ts allows it where it is the subject.
		serviceWorkers: 'block',
		launchOptions: {
			executablePath,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run'
			]
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }]
});
