/**
 * The published village rules of a community (公示): public, like the notice board that links them. A
 * visitor names the community (`?community=<id>`, as the board's address does) or picks it from the
 * list; a logged-in member sees their own community's.
 */
import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { errorMessage } from '$lib/i18n';
import { listCommunities, publicCommunity } from '$lib/server/domain/notice-board';
import { listPublications } from '$lib/server/domain/rules-adoption';
import { orError } from '$lib/server/form-actions';
import { ms } from '../rules.server';
import type { PageServerLoad } from './$types';

const CommunityId = v.pipe(v.string(), v.regex(/^[1-9]\d{0,9}$/), v.transform(Number));

export const load: PageServerLoad = ({ locals, url }) => {
	const { db } = locals.services;
	const raw = url.searchParams.get('community');
	const parsed = raw === null ? null : v.safeParse(CommunityId, raw);
	if (parsed && !parsed.success) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	const communityId = parsed?.success ? parsed.output : (locals.actor?.communityId ?? null);
	const member = locals.actor !== null;
	if (communityId === null)
		return { member, community: null, communities: listCommunities(db), publications: [] };
	const community = orError(() => publicCommunity(db, communityId));
	return {
		member: member && locals.actor?.communityId === community.id,
		community,
		communities: null,
		publications: listPublications(db, community.id).map((p) => ({ ...p, publishedAt: ms(p.publishedAt) }))
	};
};
