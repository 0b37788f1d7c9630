import { json } from '@sveltejs/kit';
import { APP_VERSION } from '$lib/version';
import type { RequestHandler } from './$types';

/** Liveness, database status and the running release, for monitors and the test harness. */
export const GET: RequestHandler = ({ locals }) => {
	try {
		const { $client } = locals.services.db;
		const row = $client.prepare('select count(*) as n from community').get() as { n: number };
		return json({ ok: true, version: APP_VERSION, database: 'ok', communities: row.n });
	} catch (e) {
		return json(
			{ ok: false, version: APP_VERSION, database: 'error', error: (e as Error).message },
			{ status: 503 }
		);
	}
};
