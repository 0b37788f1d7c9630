import * as v from 'valibot';
import * as roster from '$lib/server/domain/roster';
import { listNames } from '$lib/server/domain/roster-queries';
import { act, id, orError, text64 } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	return { departments: orError(() => listNames(locals.services.db, locals.actor, 'department')) };
};

export const actions: Actions = {
	createDepartment: (e) => act(e, v.object({ name: text64 }), roster.createDepartment, 'created'),
	renameDepartment: (e) =>
		act(e, v.object({ departmentId: id, name: text64 }), roster.renameDepartment, 'saved'),
	deleteDepartment: (e) => act(e, v.object({ departmentId: id }), roster.deleteDepartment, 'deleted')
};
