import { ballotsCsv } from '$lib/server/exports/minutes-export';
import { parseMeetingId } from '../../../../m/[id]/access.server';
import { orError } from '$lib/server/form-actions';
import type { RequestHandler } from './$types';

/** Named ballots of the meeting's closed polls as CSV, for staff who may edit the minutes only. */
export const GET: RequestHandler = ({ locals, params }) => {
	const id = parseMeetingId(params.id);
	const csv = orError(() => ballotsCsv(locals.services.db, locals.actor, id));
	return new Response(csv, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="ballots-${id}.csv"; filename*=UTF-8''${encodeURIComponent(`记名选票-${id}.csv`)}`,
			'Cache-Control': 'no-store'
		}
	});
};
