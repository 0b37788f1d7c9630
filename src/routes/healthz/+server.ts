import { json } from '@sveltejs/kit';
import { useDb } from '$lib/server/db';

/** Liveness and database status for monitors and the test harness. */
export function GET() {
	try {
		const row = useDb().$client.prepare('select count(*) as n from community').get() as { n: number };
		return json({ ok: true, database: 'ok', communities: row.n });
	} catch (e) {
		return json({ ok: false, database: 'error', error: (e as Error).message }, { status: 503 });
	}
}
