import { useDb } from '$lib/server/db';
import { attendanceRoster } from '$lib/server/domain/attendance';
import { documentAccess } from '$lib/server/domain/documents';
import { agendaDocName } from '$lib/server/domain/meetings';
import { meetingForScreen, storedAgenda } from '../access.server';
import type { PageServerLoad } from './$types';

/**
 * The facilitator's console: everything for those who may run the meeting; the agenda editor alone for
 * those who may co-edit the agenda (the 两委 committee).
 */
export const load: PageServerLoad = ({ locals, params }) => {
	const db = useDb();
	const base = meetingForScreen(db, locals.actor, params.id, 'console');
	const id = base.meeting.id;
	return {
		...base,
		me: { userId: locals.actor!.userId, name: locals.actor!.displayName },
		canEditAgenda: documentAccess(db, locals.actor, agendaDocName(id)) === 'write',
		// Who is present is for those who run the meeting (names stay off other screens).
		roster: base.canManage ? attendanceRoster(db, locals.actor, id) : [],
		agenda: storedAgenda(id)
	};
};
