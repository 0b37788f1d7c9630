import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Liveness and database status for monitors and the test harness. */
export const GET: RequestHandler = ({ locals }) => {
	try {
		const { $client } = locals.services.db;
		const row = $client.prepare('select count(*) as n from community').get() as { n: number };
		return json({ ok: true, database: 'ok', communities: row.n });
	} catch (e) {
		return json({ ok: false, database: 'error', error: (e as Error).message }, { status: 503 });
	}
};
