import { error, json } from '@sveltejs/kit';
import { attendanceRoster } from '$lib/server/domain/attendance';
import { isDomainError } from '$lib/server/domain/errors';
import { parseMeetingId } from '../access.server';
import type { RequestHandler } from './$types';

/** The console's attendance list, fetched again after each `meeting:state` (it is not in the broadcast). */
export const GET: RequestHandler = ({ locals, params }) => {
	try {
		return json(attendanceRoster(locals.services.db, locals.actor, parseMeetingId(params.id)), {
			headers: { 'cache-control': 'no-store' }
		});
	} catch (e) {
		if (!isDomainError(e)) throw e;
		const status = e.code === 'UNAUTHENTICATED' ? 401 : e.code === 'FORBIDDEN' ? 403 : 404;
		error(status, { message: e.code, code: e.code });
	}
};
