import * as v from 'valibot';
import * as roster from '$lib/server/domain/roster';
import { listHouseholdGroups } from '$lib/server/domain/roster-queries';
import { act, id, optionalId, orError, text64 } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	return { groups: orError(() => listHouseholdGroups(locals.services.db, locals.actor)) };
};

export const actions: Actions = {
	createGroup: (e) =>
		act(e, v.object({ name: text64, headResidentId: optionalId }), roster.createHouseholdGroup, 'created'),
	updateGroup: (e) =>
		act(
			e,
			v.object({ householdGroupId: id, name: text64, headResidentId: optionalId }),
			roster.updateHouseholdGroup,
			'saved'
		),
	deleteGroup: (e) => act(e, v.object({ householdGroupId: id }), roster.deleteHouseholdGroup, 'deleted')
};
