import { startServer } from '../helpers/server';

/** Starts the built app once for the whole run, on a free port and a temporary database. */
export default async function globalSetup() {
	const server = await startServer();
	process.env.E2E_BASE_URL = server.url;
	process.env.E2E_DB_PATH = server.dbPath;
	process.env.E2E_SERVER_OUTPUT = server.output();
	return async () => {
		await server.cleanup();
	};
}
