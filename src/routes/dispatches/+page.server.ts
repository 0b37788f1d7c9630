import { listDispatches } from '$lib/server/domain/dispatches';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

/** A department liaison's inbox, or every dispatch of the community for its staff. */
export const load: PageServerLoad = ({ locals }) =>
	orError(() => ({
		dispatches: listDispatches(locals.services.db, locals.actor).map((d) => ({
			id: d.id,
			departmentName: d.departmentName,
			message: d.message,
			status: d.status,
			overdue: d.overdue,
			deadline: d.deadline.getTime()
		}))
	}));
