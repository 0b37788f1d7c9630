import { redirect } from '@sveltejs/kit';
import { useDb } from '$lib/server/db';
import { deleteSessionCookie } from '$lib/server/cookies';
import { disconnectSession } from '$lib/server/realtime';
import { invalidateSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: ({ locals, cookies }) => {
		if (locals.session) {
			invalidateSession(useDb(), locals.session.id);
			disconnectSession(locals.session.id);
		}
		deleteSessionCookie(cookies);
		redirect(303, '/');
	}
};
