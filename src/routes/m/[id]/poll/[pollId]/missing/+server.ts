import { error, json } from '@sveltejs/kit';
import { ballotProgress } from '$lib/server/domain/ballots';
import { isDomainError } from '$lib/server/domain/errors';
import { errorMessage } from '$lib/i18n';
import type { RequestHandler } from './$types';

/**
 * Who has not voted yet in a named poll, and whom 代投 may no longer be recorded for, for the
 * facilitator's console (refetched on each state).
 */
export const GET: RequestHandler = ({ locals, params }) => {
	const pollId = /^\d{1,9}$/.test(params.pollId) ? Number(params.pollId) : 0;
	try {
		return json(ballotProgress(locals.services.db, locals.actor, pollId), {
			headers: { 'cache-control': 'no-store' }
		});
	} catch (e) {
		if (!isDomainError(e)) throw e;
		const status = e.code === 'UNAUTHENTICATED' ? 401 : e.code === 'FORBIDDEN' ? 403 : 404;
		error(status, { message: errorMessage(e.code), code: e.code });
	}
};
