import { json } from '@sveltejs/kit';
import { useDb } from '$lib/server/db';
import { APP_VERSION } from '$lib/version';

/** Liveness, database status and the running release, for monitors and the test harness. */
export function GET() {
	try {
		const row = useDb().$client.prepare('select count(*) as n from community').get() as { n: number };
		return json({ ok: true, version: APP_VERSION, database: 'ok', communities: row.n });
	} catch (e) {
		return json(
			{ ok: false, version: APP_VERSION, database: 'error', error: (e as Error).message },
			{ status: 503 }
		);
	}
}
