import { attendanceRoster } from '$lib/server/domain/attendance';
import { documentAccess } from '$lib/server/domain/documents';
import { agendaDocName } from '$lib/server/domain/meetings';
import { showCheckInCode } from '$lib/server/domain/check-in-code';
import { meetingForScreen, storedAgenda } from '../access.server';
import type { PageServerLoad } from './$types';

/**
 * The facilitator's console: everything for those who may run the meeting; the agenda editor alone for
 * those who may co-edit the agenda (the 两委 committee).
 */
export const load: PageServerLoad = ({ locals, params, url }) => {
	const { db } = locals.services;
	const base = meetingForScreen(db, locals.actor, params.id, 'console');
	const id = base.meeting.id;
	return {
		...base,
		me: { userId: locals.actor!.userId, name: locals.actor!.displayName },
		canEditAgenda: documentAccess(db, locals.actor, agendaDocName(id)) === 'write',
		// Who is present, and the code on the projector (for reading out to those at the back; renewed over
		// the socket), are for those who run the meeting: names and codes stay off other screens.
		roster: base.canManage ? attendanceRoster(db, locals.actor, id) : [],
		checkIn: base.canManage ? showCheckInCode(db, locals.actor, id, {}) : null,
		agenda: storedAgenda(locals.services.docs, id),
		origin: url.origin
	};
};
