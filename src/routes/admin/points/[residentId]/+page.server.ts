import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { can, communityScope } from '$lib/server/authz';
import { reversePointEntry } from '$lib/server/domain/points';
import { residentLedger } from '$lib/server/domain/points-views';
import { errorMessage } from '$lib/i18n';
import { act, id, orError } from '$lib/server/form-actions';
import { note } from '../points.server';
import type { Actions, PageServerLoad } from './$types';

function residentParam(raw: string): number {
	if (!/^[1-9]\d{0,14}$/.test(raw)) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	return Number(raw);
}

/** One resident's ledger for staff; the admin corrects an entry with a reversing one. */
export const load: PageServerLoad = async ({ locals, parent, params }) => {
	await parent();
	const residentId = residentParam(params.residentId);
	return orError(() => ({
		...residentLedger(locals.services.db, locals.actor, residentId),
		manage: can(locals.actor, 'points.manage', communityScope(locals.actor!.communityId))
	}));
};

export const actions: Actions = {
	reverse: (e) =>
		act(
			e,
			v.object({ entryId: id, note }),
			(db, actor, input) => reversePointEntry(db, actor, input),
			'saved'
		)
};
