import { error } from '@sveltejs/kit';
import { can } from '$lib/server/authz';
import { listMeetingsFor, meetingScope } from '$lib/server/domain/meetings';
import { errorMessage } from '$lib/i18n';
import { manageablePlaces, placeLabel } from './places.server';
import type { PageServerLoad } from './$types';

const ORDER = { live: 0, draft: 1, closed: 2 } as const;

/** Live meetings first, then upcoming by date, then closed ones, latest first. */
export const load: PageServerLoad = ({ locals }) => {
	const actor = locals.actor;
	if (!actor) error(401, { message: errorMessage('UNAUTHENTICATED'), code: 'UNAUTHENTICATED' });
	const { db } = locals.services;
	const meetings = listMeetingsFor(db, actor)
		.sort(
			(a, b) =>
				ORDER[a.status] - ORDER[b.status] ||
				(a.status === 'closed' ? -1 : 1) * (a.startsAt.getTime() - b.startsAt.getTime())
		)
		.map((m) => ({
			id: m.id,
			title: m.title,
			status: m.status,
			place: m.place,
			startsAt: m.startsAt.getTime(),
			scope: placeLabel(db, actor.communityId, m.scopeType, m.scopeId),
			mayManage: m.canManage,
			// The 两委 committee co-edits agendas of meetings not yet closed (the document is read-only after).
			mayEditAgenda: m.status !== 'closed' && can(actor, 'agenda.edit', meetingScope(db, m))
		}));
	return { meetings, mayCreate: manageablePlaces(db, actor).length > 0 };
};
