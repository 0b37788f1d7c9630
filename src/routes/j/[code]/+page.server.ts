import { error, redirect } from '@sveltejs/kit';
import { useDb } from '$lib/server/db';
import { checkInByCode } from '$lib/server/domain/attendance';
import { isDomainError } from '$lib/server/domain/errors';
import { findMeetingByCode } from '$lib/server/domain/meetings';
import { broadcastMeetingState } from '$lib/server/realtime';
import { errorMessage } from '$lib/i18n';
import type { PageServerLoad } from './$types';

/**
 * The target of a meeting's QR code. Scanning it means "I am here": a GET that checks the resident in
 * (idempotent, so a second scan or a reload changes nothing) and goes on to the meeting.
 */
export const load: PageServerLoad = ({ locals, params }) => {
	const db = useDb();
	let title: string;
	let meetingId: number;
	try {
		title = findMeetingByCode(db, params.code).title;
		meetingId = checkInByCode(db, locals.actor, params.code);
	} catch (e) {
		if (!isDomainError(e)) throw e;
		if (e.code === 'NOT_FOUND') error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
		// Residents have no password: they log in with their invitation card, then scan again.
		return {
			state: e.code === 'UNAUTHENTICATED' ? ('login' as const) : ('notEligible' as const),
			title: title!
		};
	}
	broadcastMeetingState(meetingId);
	redirect(303, `/m/${meetingId}`);
};
