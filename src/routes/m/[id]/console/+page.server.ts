import { useDb } from '$lib/server/db';
import { attendanceRoster } from '$lib/server/domain/attendance';
import { documentAccess } from '$lib/server/domain/documents';
import { agendaDocName } from '$lib/server/domain/meetings';
import { showCheckInCode } from '$lib/server/domain/check-in-code';
import { meetingForScreen, storedAgenda } from '../access.server';
import type { PageServerLoad } from './$types';

/** The facilitator's console: only for those who may run the meeting. */
export const load: PageServerLoad = ({ locals, params, url }) => {
	const db = useDb();
	const base = meetingForScreen(db, locals.actor, params.id, 'console');
	const id = base.meeting.id;
	return {
		...base,
		me: { userId: locals.actor!.userId, name: locals.actor!.displayName },
		canEditAgenda: documentAccess(db, locals.actor, agendaDocName(id)) === 'write',
		roster: attendanceRoster(db, locals.actor, id),
		agenda: storedAgenda(id),
		// The code on the projector, for reading out to those at the back (renewed over the socket).
		checkIn: showCheckInCode(db, locals.actor, id, {}),
		origin: url.origin
	};
};
