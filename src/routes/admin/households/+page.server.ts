import * as v from 'valibot';
import * as roster from '$lib/server/domain/roster';
import { parseArea, setOwnership, setRollFlags } from '$lib/server/domain/roster-rolls';
import { listHouseholds, listNames, listPlaces } from '$lib/server/domain/roster-queries';
import { act, birthYear, id, optionalId, orError, phone, text64 } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	const { db } = locals.services;
	return orError(() => {
		const { buildings } = listPlaces(db, locals.actor);
		const groups = listNames(db, locals.actor, 'householdGroup');
		const wanted = Number(url.searchParams.get('building'));
		const selected = buildings.find((b) => b.id === wanted) ?? buildings[0];
		return {
			buildings: buildings.map((b) => ({
				id: b.id,
				label: [b.estateName, b.name].filter(Boolean).join(' ')
			})),
			groups,
			selected: selected?.id ?? null,
			households: selected ? listHouseholds(db, locals.actor, { buildingId: selected.id }) : []
		};
	});
};

const resident = { name: text64, phone, birthYear };
/** A checkbox posts "on" when ticked and nothing otherwise. */
const checkbox = v.pipe(
	v.optional(v.string(), ''),
	v.transform((s) => s === 'on')
);
/** Square metres with up to two decimals, stored in hundredths; blank means not known. */
const area = v.pipe(
	v.optional(v.string(), ''),
	v.check((s) => parseArea(s) !== null),
	v.transform((s): number | null => parseArea(s) ?? null)
);
const ownership = v.object({
	householdId: id,
	floorArea: area,
	ownerKey: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(64),
		v.transform((s) => s || null)
	),
	unsold: checkbox
});
const rollFlags = v.object({
	residentId: id,
	adult: v.pipe(
		v.optional(v.picklist(['', 'yes', 'no']), ''),
		v.transform((s) => (s === '' ? null : s === 'yes'))
	),
	householdRepresentative: checkbox,
	villagerRepresentative: checkbox
});

export const actions: Actions = {
	createHousehold: (e) =>
		act(
			e,
			v.object({ buildingId: id, unit: text64, householdGroupId: optionalId }),
			roster.createHousehold,
			'created'
		),
	updateHousehold: (e) =>
		act(
			e,
			v.object({ householdId: id, unit: text64, householdGroupId: optionalId }),
			roster.updateHousehold,
			'saved'
		),
	deleteHousehold: (e) => act(e, v.object({ householdId: id }), roster.deleteHousehold, 'deleted'),
	createResident: (e) => act(e, v.object({ householdId: id, ...resident }), roster.createResident, 'created'),
	updateResident: (e) => act(e, v.object({ residentId: id, ...resident }), roster.updateResident, 'saved'),
	deleteResident: (e) => act(e, v.object({ residentId: id }), roster.deleteResident, 'deleted'),
	setOwnership: (e) => act(e, ownership, setOwnership, 'saved'),
	setRollFlags: (e) => act(e, rollFlags, setRollFlags, 'saved')
};
