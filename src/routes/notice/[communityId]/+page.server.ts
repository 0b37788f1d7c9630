/**
 * A community's public notice board (公示): no login. Its one action re-checks the resolutions' hash
 * chain and answers in plain words; it only reads, so anyone may run it, within a rate limit because
 * each check rehashes the whole chain.
 */
import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { errorMessage } from '$lib/i18n';
import { clientAddress } from '$lib/server/client-address';
import { isDomainError } from '$lib/server/domain/errors';
import { checkChain, noticeBoard } from '$lib/server/domain/notice-board';
import { memoryLimiter } from '$lib/server/rate-limit';
import type { Actions, PageServerLoad } from './$types';

const idString = v.pipe(v.string(), v.regex(/^[1-9]\d{0,9}$/), v.transform(Number));
/** Thirty checks per client a minute: enough for a courtyard of phones behind one address. */
const verifyLimiter = memoryLimiter('noticeVerify', 30, 60);

const notFound = (): never => error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });

/** The community's board, or 404 for a malformed or unknown id. */
function withCommunity<T>(param: string, run: (communityId: number) => T): T {
	const id = v.safeParse(idString, param);
	if (!id.success) return notFound();
	try {
		return run(id.output);
	} catch (e) {
		if (isDomainError(e) && e.code === 'NOT_FOUND') notFound();
		throw e;
	}
}

export const load: PageServerLoad = ({ locals, params }) => ({
	board: withCommunity(params.communityId, (id) => noticeBoard(locals.services.db, id))
});

export const actions: Actions = {
	verify: async (event) => {
		const wait = await verifyLimiter.take(clientAddress(event));
		if (wait > 0) return fail(429, { code: 'RATE_LIMITED', minutes: Math.ceil(wait / 60_000) });
		return {
			check: withCommunity(event.params.communityId, (id) => checkChain(event.locals.services.db, id))
		};
	}
};
