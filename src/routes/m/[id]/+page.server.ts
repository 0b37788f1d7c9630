import { useDb } from '$lib/server/db';
import { meetingForScreen, storedAgenda } from './access.server';
import type { PageServerLoad } from './$types';

/** The resident's phone view; staff may open it too (without check-in or hand). */
export const load: PageServerLoad = ({ locals, params }) => {
	const db = useDb();
	const base = meetingForScreen(db, locals.actor, params.id, 'phone');
	return {
		...base,
		isResident: locals.actor?.residentId != null,
		agenda: storedAgenda(db, base.meeting.id)
	};
};
