import { redirect } from '@sveltejs/kit';
import { cookieMaxAge, cookieName, isLocale } from '$lib/paraglide/runtime';
import { setUserLocale } from '$lib/server/domain/accounts';
import { sameSitePath } from '$lib/server/redirects';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

/** Switches the language for this device and, when logged in, remembers it for the account. */
export const actions: Actions = {
	switch: async ({ request, cookies, locals, url }) => {
		const data = await request.formData();
		const locale = String(data.get('locale') ?? '');
		const back = String(data.get('back') ?? '/');
		if (isLocale(locale)) {
			cookies.set(cookieName, locale, { path: '/', maxAge: cookieMaxAge, httpOnly: false, sameSite: 'lax' });
			if (locals.user) setUserLocale(locals.services.db, locals.user.id, locale);
		}
		redirect(303, sameSitePath(back, url, '/'));
	}
};
