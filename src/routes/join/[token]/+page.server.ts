import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { describeInvitation, redeemInvitation } from '$lib/server/domain/accounts';
import { isDomainError } from '$lib/server/domain/errors';
import { clientAddress } from '$lib/server/client-address';
import { setSessionCookie } from '$lib/server/cookies';
import { invitationLimiter, limitFailures } from '$lib/server/rate-limit';
import { createSession, generateSessionToken, invalidateSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/**
 * Opening an invitation never replaces a session and never uses up a single-use link: a GET only
 * reads. It logs in at once in the one case where nothing can be lost: a printed card (reusable, so
 * nothing is used up) on a phone with no session (so nobody is logged out). A crawler that fetches the
 * card's link gets what the link already gives, and the card keeps working. Otherwise the page says
 * whose invitation it is and a POST redeems it. Only failed lookups count against the address's limit.
 */
export const load: PageServerLoad = async (event) => {
	const { params, locals } = event;
	const { db } = locals.services;
	const describe = () => describeInvitation(db, params.token);
	let card: ReturnType<typeof describeInvitation>;
	try {
		// After a refused POST the page renders again: that failure was counted by the action already.
		card =
			event.request.method === 'POST'
				? describe()
				: await limitFailures(invitationLimiter, clientAddress(event), describe);
	} catch (e) {
		if (isDomainError(e)) return { problem: e.code, invitation: null, current: null };
		throw e;
	}
	if (locals.user?.residentId === card.residentId) redirect(303, '/');
	if (!locals.session && card.kind === 'card') {
		const failure = await redeem(event);
		if (failure) return { problem: failure, invitation: null, current: null };
	}
	return {
		problem: null,
		invitation: {
			name: card.name,
			place: `${card.buildingName} ${card.unit}`,
			singleUse: card.kind === 'link'
		},
		current: locals.user?.displayName ?? null
	};
};

/** Redeems the token and logs this browser in as its resident (redirecting), or returns the error code. */
async function redeem(event: RequestEvent): Promise<string> {
	const { db } = event.locals.services;
	let redeemed: { userId: number; invitationId: number };
	try {
		redeemed = await limitFailures(invitationLimiter, clientAddress(event), () =>
			redeemInvitation(db, event.params.token!)
		);
	} catch (e) {
		if (isDomainError(e)) return e.code;
		throw e;
	}
	if (event.locals.session) invalidateSession(db, event.locals.session.id);
	const token = generateSessionToken();
	const session = createSession(db, token, redeemed.userId, Date.now(), redeemed.invitationId);
	setSessionCookie(event.cookies, token, session.expiresAt);
	redirect(303, '/');
}

export const actions: Actions = {
	default: async (event) => {
		const code = await redeem(event);
		return fail(code === 'RATE_LIMITED' ? 429 : 400, { code });
	}
};
