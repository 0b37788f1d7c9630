import { AUDIT_PAGE, auditLog } from '$lib/server/domain/audit';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	const before = Number(url.searchParams.get('before'));
	const entries = orError(() =>
		auditLog(locals.services.db, locals.actor, {
			before: Number.isSafeInteger(before) && before > 0 ? before : undefined
		})
	);
	return { entries, more: entries.length === AUDIT_PAGE, paged: url.searchParams.has('before') };
};
