import { error, redirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { useDb } from '$lib/server/db';
import { can } from '$lib/server/authz';
import { meeting } from '$lib/server/db/schema';
import { checkIn } from '$lib/server/domain/attendance';
import { isDomainError } from '$lib/server/domain/errors';
import { meetingScope } from '$lib/server/domain/meetings';
import { broadcastMeetingState } from '$lib/server/realtime';
import { errorMessage } from '$lib/i18n';
import type { PageServerLoad } from './$types';

/**
 * The target of a meeting's QR code. Scanning it means "I am here": a GET that checks the resident in
 * (idempotent, so a second scan or a reload changes nothing) and goes on to the meeting.
 */
export const load: PageServerLoad = ({ locals, params }) => {
	const code = params.code.toLowerCase();
	const db = useDb();
	const m = /^[a-z2-7]{1,32}$/.test(code)
		? db.select().from(meeting).where(eq(meeting.joinCode, code)).get()
		: undefined;
	if (!m) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	const actor = locals.actor;
	// Residents have no password: they log in with their invitation card, then scan again.
	if (!actor) return { state: 'login' as const, title: m.title };
	const goTo = `/m/${m.id}`;
	if (m.status === 'closed') redirect(303, goTo);
	const scope = meetingScope(db, m);
	if (actor.residentId && can(actor, 'meeting.attend', scope)) {
		try {
			checkIn(db, actor, m.id);
			broadcastMeetingState(m.id);
		} catch (e) {
			if (!isDomainError(e)) throw e;
			// Under voting age or otherwise not on the list: the meeting page is still theirs to follow.
			if (e.code !== 'NOT_ELIGIBLE') throw e;
		}
		redirect(303, goTo);
	}
	if (can(actor, 'meeting.view', scope)) redirect(303, goTo);
	return { state: 'notEligible' as const, title: m.title };
};
