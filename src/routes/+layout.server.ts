import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	user: locals.user ? { displayName: locals.user.displayName } : null,
	roles: [...new Set(locals.actor?.roles.map((r) => r.role) ?? [])],
	elder: locals.elder
});
