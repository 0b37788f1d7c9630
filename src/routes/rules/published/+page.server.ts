import { useDb } from '$lib/server/db';
import { listPublications } from '$lib/server/domain/rules-adoption';
import { orError } from '../../admin/forms.server';
import { ms, rulesContext } from '../rules.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) =>
	orError(() => {
		const { communityId } = rulesContext(locals.actor);
		return {
			publications: listPublications(useDb(), communityId).map((p) => ({
				...p,
				publishedAt: ms(p.publishedAt)
			}))
		};
	});
