import { redirect } from '@sveltejs/kit';
import { useDb } from '$lib/server/db';
import { setElderMode } from '$lib/server/elder';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ elder: locals.elder });

/** Only a path on this site (never "//x" or "/\\x", which browsers read as other sites). */
function backTo(raw: FormDataEntryValue | null, url: URL) {
	const target = new URL(String(raw ?? '/settings'), url);
	return target.origin === url.origin ? target.pathname + target.search : '/settings';
}

export const actions: Actions = {
	/** 长辈版 on or off for this device and, when logged in, for the account. Works without JavaScript. */
	elder: async ({ request, cookies, locals, url }) => {
		const data = await request.formData();
		setElderMode(cookies, useDb(), locals.user?.id ?? null, data.get('elder') === 'on');
		redirect(303, backTo(data.get('back'), url));
	}
};
