import { redirect } from '@sveltejs/kit';
import { useDb } from '$lib/server/db';
import { redeemInvitation } from '$lib/server/domain/accounts';
import { isDomainError } from '$lib/server/domain/errors';
import { clientAddress } from '$lib/server/client-address';
import { setSessionCookie } from '$lib/server/cookies';
import { invitationLimiter } from '$lib/server/rate-limit';
import { createSession, generateSessionToken, invalidateSession } from '$lib/server/session';
import type { PageServerLoad } from './$types';

/**
 * Opening an invitation link (or scanning a card's QR code) logs the phone in as that resident.
 * A bad link shows a page that says why, and no session is made.
 */
export const load: PageServerLoad = (event) => {
	const { params, cookies, locals } = event;
	if (invitationLimiter.consume(clientAddress(event)) > 0) {
		return { problem: 'RATE_LIMITED' as const };
	}
	const db = useDb();
	let redeemed: { userId: number; invitationId: number };
	try {
		redeemed = redeemInvitation(db, params.token);
	} catch (e) {
		if (isDomainError(e)) return { problem: e.code };
		throw e;
	}
	if (locals.session) invalidateSession(db, locals.session.id);
	const token = generateSessionToken();
	const session = createSession(db, token, redeemed.userId, Date.now(), redeemed.invitationId);
	setSessionCookie(cookies, token, session.expiresAt);
	redirect(303, '/');
};
