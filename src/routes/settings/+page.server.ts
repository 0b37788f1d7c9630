import { redirect } from '@sveltejs/kit';
import { setElderMode } from '$lib/server/elder';
import { sameSitePath } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ elder: locals.elder });

export const actions: Actions = {
	/** 长辈版 on or off for this device and, when logged in, for the account. Works without JavaScript. */
	elder: async ({ request, cookies, locals, url }) => {
		const data = await request.formData();
		setElderMode(cookies, locals.services.db, locals.user?.id ?? null, data.get('elder') === 'on');
		redirect(303, sameSitePath(data.get('back'), url, '/settings'));
	}
};
