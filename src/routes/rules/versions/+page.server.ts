import * as v from 'valibot';
import { changesSince, listVersions, saveVersion } from '$lib/server/domain/rules-versions';
import { act, orError } from '$lib/server/form-actions';
import { ms, rulesContext } from '../rules.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) =>
	orError(() => {
		const { db } = locals.services;
		const ctx = rulesContext(locals.services.docs, locals.actor);
		const versions = listVersions(db, locals.actor);
		const last = versions[0];
		// Who changed which clause since the last saved version, named by the clause's number now.
		const changed = changesSince(db, locals.actor, last?.createdAt ?? null);
		const since = ctx.draft.items
			.filter((i) => i.kind === 'clause' && changed.has(i.id))
			.map((i) => ({ label: i.label, names: changed.get(i.id)! }));
		return {
			canEdit: ctx.canEdit,
			versions: versions.map((x) => ({ ...x, createdAt: ms(x.createdAt) })),
			since
		};
	});

export const actions: Actions = {
	save: (e) =>
		act(
			e,
			v.object({ name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)) }),
			(db, actor, input) => saveVersion(db, e.locals.services.docs, actor, input.name),
			'saved'
		)
};
