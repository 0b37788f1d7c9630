import * as v from 'valibot';
import * as roster from '$lib/server/domain/roster';
import { listPlaces } from '$lib/server/domain/roster-queries';
import { act, id, optionalId, orError, text64 } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	return orError(() => listPlaces(locals.services.db, locals.actor));
};

export const actions: Actions = {
	createEstate: (e) => act(e, v.object({ name: text64 }), roster.createEstate, 'created'),
	renameEstate: (e) => act(e, v.object({ estateId: id, name: text64 }), roster.renameEstate, 'saved'),
	deleteEstate: (e) => act(e, v.object({ estateId: id }), roster.deleteEstate, 'deleted'),
	createGrid: (e) =>
		act(e, v.object({ name: text64, parentGridId: optionalId }), roster.createGrid, 'created'),
	renameGrid: (e) => act(e, v.object({ gridId: id, name: text64 }), roster.renameGrid, 'saved'),
	deleteGrid: (e) => act(e, v.object({ gridId: id }), roster.deleteGrid, 'deleted'),
	createBuilding: (e) =>
		act(
			e,
			v.object({ name: text64, estateId: optionalId, gridId: optionalId }),
			roster.createBuilding,
			'created'
		),
	renameBuilding: (e) => act(e, v.object({ buildingId: id, name: text64 }), roster.renameBuilding, 'saved'),
	deleteBuilding: (e) => act(e, v.object({ buildingId: id }), roster.deleteBuilding, 'deleted')
};
