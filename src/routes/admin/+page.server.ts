import { countRoster } from '$lib/server/domain/roster-queries';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent(); // the layout's guard runs first
	return { counts: orError(() => countRoster(locals.services.db, locals.actor)) };
};
