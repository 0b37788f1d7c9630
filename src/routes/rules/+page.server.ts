import { error, redirect } from '@sveltejs/kit';
import { errorMessage } from '$lib/i18n';
import { documentAccess } from '$lib/server/domain/documents';
import { rulesDocName } from '$lib/rules/schema';
import { listComments } from '$lib/server/domain/rules-comments';
import { rulesContext, ms } from './rules.server';
import type { PageServerLoad } from './$types';

/**
 * The community's village rules draft. Who may write or only read is decided by the document rules
 * (the same answer the Yjs endpoint gives), so the page never offers editing the socket would refuse.
 */
export const load: PageServerLoad = ({ locals }) => {
	const { actor } = locals;
	const { db, docs } = locals.services;
	if (!actor) redirect(303, '/login');
	const docName = rulesDocName(actor.communityId);
	const access = documentAccess(db, actor, docName);
	if (access === 'none') error(403, { message: errorMessage('FORBIDDEN'), code: 'FORBIDDEN' });
	const ctx = rulesContext(docs, actor);
	return {
		docName,
		access,
		displayName: actor.displayName,
		userId: actor.userId,
		canEdit: ctx.canEdit,
		canComment: ctx.canComment,
		clauses: ctx.draft.items.filter((i) => i.kind === 'clause').map((i) => ({ id: i.id, label: i.label })),
		comments: listComments(db, actor).map((c) => ({
			...c,
			createdAt: ms(c.createdAt),
			replies: c.replies.map((r) => ({
				id: r.id,
				body: r.body,
				author: r.author,
				createdAt: ms(r.createdAt)
			}))
		}))
	};
};
