import { error, redirect } from '@sveltejs/kit';
import { can, canSomewhere, communityScope } from '$lib/server/authz';
import { listInvitationBuildings } from '$lib/server/domain/access';
import { errorMessage } from '$lib/i18n';
import type { LayoutServerLoad } from './$types';

/**
 * The roster pages are for community admins. Building heads and information officers may print
 * invitation cards for their own building, so /admin/invitations lets them through and checks each
 * building itself; everyone else gets 403. Form actions do not run this load: every domain call
 * authorizes on its own.
 */
export const load: LayoutServerLoad = ({ locals, route }) => {
	const actor = locals.actor;
	if (!actor) redirect(303, '/login');
	const manage = can(actor, 'roster.manage', communityScope(actor.communityId));
	// 积分: building heads and information officers record points for their own buildings.
	const points = canSomewhere(actor, 'points.record');
	if (manage) return { manage, points };
	if (points && route.id?.startsWith('/admin/points')) return { manage, points };
	const issuer = listInvitationBuildings(locals.services.db, actor).length > 0;
	if (issuer && route.id?.startsWith('/admin/invitations')) return { manage, points };
	if (issuer && route.id === '/admin') redirect(303, '/admin/invitations');
	if (points && route.id === '/admin') redirect(303, '/admin/points');
	error(403, { message: errorMessage('FORBIDDEN'), code: 'FORBIDDEN' });
};
