import { error, redirect } from '@sveltejs/kit';
import { errorMessage } from '$lib/i18n';
import { useDb } from '$lib/server/db';
import { documentAccess } from '$lib/server/domain/documents';
import { rulesDocName } from '$lib/rules/schema';
import type { PageServerLoad } from './$types';

/**
 * The community's village rules draft. Who may write or only read is decided by the document rules
 * (the same answer the Yjs endpoint gives), so the page never offers editing the socket would refuse.
 */
export const load: PageServerLoad = ({ locals }) => {
	const actor = locals.actor;
	if (!actor) redirect(303, '/login');
	const docName = rulesDocName(actor.communityId);
	const access = documentAccess(useDb(), actor, docName);
	if (access === 'none') error(403, { message: errorMessage('FORBIDDEN'), code: 'FORBIDDEN' });
	return { docName, access, displayName: actor.displayName, userId: actor.userId };
};
