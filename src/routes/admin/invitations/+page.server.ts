import QRCode from 'qrcode';
import * as v from 'valibot';
import {
	issueBuildingCards,
	issueResidentLink,
	listBuildingResidents,
	listInvitationBuildings
} from '$lib/server/domain/access';
import { parseForm, runAction, formValues } from '$lib/server/forms';
import { failed, id, orError } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

/**
 * Printing invitation cards. Open to admins and to building heads / information officers for their
 * own buildings: the layout lets everyone logged in through to here, and every domain call below
 * checks 'invitation.issue' on the building.
 */
export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	const { db } = locals.services;
	return orError(() => {
		const buildings = listInvitationBuildings(db, locals.actor);
		const wanted = Number(url.searchParams.get('building'));
		const selected = buildings.find((b) => b.id === wanted) ?? buildings[0];
		return {
			buildings,
			selected: selected?.id ?? null,
			residents: selected ? listBuildingResidents(db, locals.actor, { buildingId: selected.id }) : []
		};
	});
};

const joinUrl = (origin: string, token: string) => `${origin}/join/${token}`;

export const actions: Actions = {
	/** Issues new cards for the whole building (old cards stop working) and returns the sheet. */
	cards: async ({ request, locals, url }) => {
		const data = await request.formData();
		const parsed = parseForm(v.object({ buildingId: id }), data);
		if (!parsed.ok) return parsed.failure;
		const result = await runAction(
			() => issueBuildingCards(locals.services.db, locals.actor, parsed.output),
			formValues(data)
		);
		if (failed(result)) return result;
		const cards = await Promise.all(
			result.cards.map(async (c) => ({
				residentId: c.residentId,
				name: c.name,
				unit: c.unit,
				url: joinUrl(url.origin, c.token),
				// Our own generated markup, rendered with {@html}: no user text goes into it.
				svg: await QRCode.toString(joinUrl(url.origin, c.token), {
					type: 'svg',
					margin: 1,
					errorCorrectionLevel: 'M'
				})
			}))
		);
		return { sheet: { building: result.building, cards } };
	},
	/** A single-use link for one resident, shown once for copying into a message. */
	link: async ({ request, locals, url }) => {
		const data = await request.formData();
		const parsed = parseForm(v.object({ residentId: id }), data);
		if (!parsed.ok) return parsed.failure;
		const result = await runAction(
			() => issueResidentLink(locals.services.db, locals.actor, parsed.output),
			formValues(data)
		);
		if (failed(result)) return result;
		return {
			link: {
				residentId: result.residentId,
				name: result.name,
				url: joinUrl(url.origin, result.token),
				expiresAt: result.expiresAt.getTime()
			}
		};
	}
};
