import * as v from 'valibot';
import { diffRules } from '$lib/rules/diff';
import { getVersion } from '$lib/server/domain/rules-versions';
import { orError } from '$lib/server/form-actions';
import { rulesContext } from '../../rules.server';
import type { PageServerLoad } from './$types';

const Which = v.union([
	v.literal('current'),
	v.pipe(v.string(), v.regex(/^[1-9]\d{0,9}$/), v.transform(Number))
]);

/** Two versions (or a version and the live draft) compared clause by clause. */
export const load: PageServerLoad = ({ locals, url }) =>
	orError(() => {
		const { db } = locals.services;
		const ctx = rulesContext(locals.services.docs, locals.actor);
		const pick = (key: string) => {
			const parsed = v.safeParse(Which, url.searchParams.get(key) ?? 'current');
			const which = parsed.success ? parsed.output : 'current';
			return which === 'current'
				? { name: null, text: ctx.draft }
				: (({ name, text }) => ({ name, text }))(getVersion(db, locals.actor, which));
		};
		const a = pick('a');
		const b = pick('b');
		return { a: a.name, b: b.name, diff: diffRules(a.text, b.text) };
	});
