import { dirname, join } from 'node:path';
import { env } from '$env/dynamic/private';
import type { DemoMode } from './demo';

/** Configuration read from the environment; see docs/configuration.md. */
export function readConfig() {
	const databasePath = env.DATABASE_PATH || './data/yizhan.db';
	return {
		databasePath,
		/** Photos of follow-up reports: beside the database unless set. */
		uploadsDir: env.UPLOADS_DIR || join(dirname(databasePath), 'uploads'),
		/** Into an empty database: `0` nothing, `roster` the roster and staff only (tests), else the whole story. */
		demoSeed: (env.DEMO_SEED === '0' ? 'off' : env.DEMO_SEED === 'roster' ? 'roster' : 'story') as DemoMode,
		/** Cookies get `Secure` when the public origin is HTTPS. */
		secureCookies: (env.ORIGIN ?? '').startsWith('https://'),
		origin: env.ORIGIN || undefined,
		/** Where a websocket handshake comes from behind a proxy, read as adapter-node reads it for HTTP. */
		addressSource: { header: env.ADDRESS_HEADER || undefined, xffDepth: Number(env.XFF_DEPTH || 1) },
		production: env.NODE_ENV === 'production'
	};
}
export type Config = ReturnType<typeof readConfig>;
