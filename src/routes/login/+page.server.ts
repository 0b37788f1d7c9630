import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { loginWithPassword } from '$lib/server/domain/accounts';
import { clientAddress } from '$lib/server/client-address';
import { setSessionCookie } from '$lib/server/cookies';
import { parseForm, runAction } from '$lib/server/forms';
import { limitFailures, loginLimiter } from '$lib/server/rate-limit';
import { createSession, generateSessionToken, invalidateSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

const LoginForm = v.object({
	username: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64)),
	password: v.pipe(v.string(), v.minLength(1), v.maxLength(256))
});

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/');
};

export const actions: Actions = {
	default: async (event) => {
		const parsed = parseForm(LoginForm, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const { username, password } = parsed.output;
		const { db } = event.locals.services;
		const key = `${clientAddress(event)}|${username.toLowerCase()}`;
		// The attempt's point is reserved before argon2 runs, so parallel guesses cannot all be evaluated.
		const result = await runAction(
			() => limitFailures(loginLimiter, key, () => loginWithPassword(db, username, password)),
			{ username }
		);
		if (typeof result !== 'number') return result;
		// Login rotates: the session this browser had before (if any) ends.
		if (event.locals.session) invalidateSession(db, event.locals.session.id);
		const token = generateSessionToken();
		const session = createSession(db, token, result);
		setSessionCookie(event.cookies, token, session.expiresAt);
		redirect(303, '/');
	}
};
