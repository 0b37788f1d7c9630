import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { BODIES, MEETING_SCOPES, VOTING_UNITS } from '$lib/server/domain/vocabulary';
import { NOTICE } from '$lib/server/domain/bodies';
import { createMeeting } from '$lib/server/domain/meetings';
import { formValues, parseForm, runAction } from '$lib/server/forms';
import { errorMessage } from '$lib/i18n';
import { failed } from '$lib/server/form-actions';
import { manageablePlaces } from '../places.server';
import { chinaTime, text } from '../schemas.server';
import type { Actions, PageServerLoad } from './$types';

const MeetingSchema = v.object({
	title: text(80),
	scope: v.pipe(
		v.string(),
		v.regex(new RegExp(`^(?:${MEETING_SCOPES.join('|')}):[1-9]\\d{0,14}$`)),
		v.transform((s) => {
			const [type, id] = s.split(':');
			return { scopeType: type as (typeof MEETING_SCOPES)[number], scopeId: Number(id) };
		})
	),
	startsAt: chinaTime,
	place: text(80),
	votingUnit: v.picklist(VOTING_UNITS),
	body: v.optional(v.picklist(BODIES), 'buildingCouncil'),
	/** An unchecked checkbox sends nothing. */
	isPublic: v.pipe(
		v.optional(v.string(), ''),
		v.transform((s) => s !== '')
	)
});

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.actor) error(401, { message: errorMessage('UNAUTHENTICATED'), code: 'UNAUTHENTICATED' });
	return {
		places: manageablePlaces(locals.services.db, locals.actor),
		units: VOTING_UNITS,
		bodies: BODIES.map((id) => ({ id, notice: NOTICE[id] }))
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const data = await request.formData();
		const parsed = parseForm(MeetingSchema, data);
		if (!parsed.ok) return parsed.failure;
		const { scope, ...rest } = parsed.output;
		const result = await runAction(
			() => createMeeting(locals.services.db, locals.actor, { ...rest, ...scope }),
			formValues(data)
		);
		if (failed(result)) return result;
		redirect(303, `/meetings/${result}`);
	}
};
