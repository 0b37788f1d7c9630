import type { FullConfig } from '@playwright/test';
import { startServer } from '../helpers/server';

/**
 * Starts the built app once per worker for the whole run, each on a free port and its own temporary
 * database, so files running side by side never share a meeting, the rules draft or a rate limit.
 * playwright.config.ts hands worker n the E2E_*_n variables set here.
 */
export default async function globalSetup(config: FullConfig) {
	const servers = await Promise.all(Array.from({ length: config.workers }, () => startServer()));
	servers.forEach((server, n) => {
		process.env[`E2E_BASE_URL_${n}`] = server.url;
		process.env[`E2E_DB_PATH_${n}`] = server.dbPath;
		process.env[`E2E_SERVER_OUTPUT_${n}`] = server.output();
	});
	return async () => {
		await Promise.all(servers.map((server) => server.cleanup()));
	};
}
