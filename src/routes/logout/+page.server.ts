import { redirect } from '@sveltejs/kit';
import { deleteSessionCookie } from '$lib/server/cookies';
import { invalidateSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: ({ locals, cookies }) => {
		// Its live connections end too: invalidateSession tells them (domain/access-events.ts).
		if (locals.session) invalidateSession(locals.services.db, locals.session.id);
		deleteSessionCookie(cookies);
		redirect(303, '/');
	}
};
