import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { PROPOSAL_CATEGORIES } from '$lib/server/domain/vocabulary';
import { fileProposal } from '$lib/server/domain/proposals';
import { formValues, parseForm, runAction } from '$lib/server/forms';
import { enforce, proposalLimiter } from '$lib/server/rate-limit';
import { errorMessage } from '$lib/i18n';
import { error } from '@sveltejs/kit';
import { failed } from '$lib/server/form-actions';
import { behalfResidents, buildingOption, mayFileOnBehalf, mayFileOwn } from '$lib/server/domain/filing';
import type { Actions, PageServerLoad } from './$types';

const idString = v.pipe(v.string(), v.trim(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));

const ProposalSchema = v.object({
	title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80)),
	description: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000)),
	category: v.picklist(PROPOSAL_CATEGORIES),
	about: v.pipe(
		v.string(),
		v.regex(/^(?:building|estate):[1-9]\d{0,14}$/),
		v.transform((s) => {
			const [type, id] = s.split(':');
			return { type: type as 'building' | 'estate', id: Number(id) };
		})
	),
	/** Empty means "myself". */
	forResidentId: v.optional(v.union([v.literal(''), idString]), '')
});

export const load: PageServerLoad = ({ locals, url }) => {
	const actor = locals.actor;
	if (!actor) error(401, { message: errorMessage('UNAUTHENTICATED'), code: 'UNAUTHENTICATED' });
	const { db } = locals.services;
	const own = mayFileOwn(actor);
	const behalf = mayFileOnBehalf(actor) ? behalfResidents(db, actor) : null;
	const picked = Number(url.searchParams.get('building')) || null;
	const pickedBuilding = behalf?.buildings.find((b) => b.id === picked) ?? null;
	const home = own && actor.home?.buildingId ? (buildingOption(db, actor.home.buildingId) ?? null) : null;
	return {
		own,
		home,
		behalf: behalf && {
			buildings: behalf.buildings,
			building: pickedBuilding,
			residents: pickedBuilding
				? behalf.residents
						.filter((r) => r.buildingId === pickedBuilding.id)
						.map((r) => ({ id: r.residentId, name: r.name, unit: r.unit }))
				: []
		},
		/** The building the proposal is about by default: the chosen resident's, else one's own. */
		aboutBuilding: pickedBuilding ?? home,
		categories: PROPOSAL_CATEGORIES
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const data = await request.formData();
		const parsed = parseForm(ProposalSchema, data);
		if (!parsed.ok) return parsed.failure;
		const values = formValues(data);
		const { forResidentId, ...input } = parsed.output;
		const result = await runAction(async () => {
			if (locals.actor) await enforce(proposalLimiter, String(locals.actor.userId));
			return fileProposal(locals.services.db, locals.actor, {
				...input,
				forResidentId: forResidentId === '' ? undefined : forResidentId
			});
		}, values);
		if (failed(result)) return result;
		redirect(303, `/proposals/${result}`);
	}
};
