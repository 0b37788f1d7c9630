import { standingsCsv } from '$lib/server/exports/points-export';
import { orError } from '$lib/server/form-actions';
import type { RequestHandler } from './$types';

/** The standings of a building or of every building the staff member reaches, as CSV for Excel. */
export const GET: RequestHandler = ({ locals, url }) => {
	const buildingId = Number(url.searchParams.get('building')) || null;
	const csv = orError(() => standingsCsv(locals.services.db, locals.actor, { buildingId }));
	return new Response(csv, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="points.csv"; filename*=UTF-8''${encodeURIComponent('积分.csv')}`,
			'Cache-Control': 'no-store'
		}
	});
};
