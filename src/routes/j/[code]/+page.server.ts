import { error, redirect } from '@sveltejs/kit';
import type { Db } from '$lib/server/db';
import { checkInByCode } from '$lib/server/domain/attendance';
import { isDomainError } from '$lib/server/domain/errors';
import { findMeetingByCode } from '$lib/server/domain/meetings';
import { broadcastMeetingState } from '$lib/server/realtime';
import { limitWrongCheckInCodes } from '$lib/server/rate-limit';
import { errorMessage } from '$lib/i18n';
import type { PageServerLoad } from './$types';

/**
 * The target of a meeting's QR code. Scanning it means "I am here": a GET that checks the resident in
 * (idempotent, so a second scan or a reload changes nothing) and goes on to the meeting. The
 * projector's rotating link (`<meeting id>-<code>`) checks in while its code is current; an old one
 * (a photo passed around) is refused and counts against the account's wrong-code limit.
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	const { db } = locals.services;
	const { actor } = locals;
	let meetingId: number;
	try {
		const run = () => checkInByCode(db, actor, params.code);
		meetingId = await limitWrongCheckInCodes(actor, run);
	} catch (e) {
		if (!isDomainError(e)) throw e;
		if (e.code === 'NOT_FOUND') error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
		// Residents have no password: they log in with their invitation card, then scan again.
		if (e.code === 'UNAUTHENTICATED') return { state: 'login' as const };
		if (e.code === 'WRONG_CODE' || e.code === 'RATE_LIMITED')
			return { state: 'stale' as const, code: e.code };
		return { state: 'notEligible' as const, title: staticTitle(db, params.code) };
	}
	broadcastMeetingState(meetingId);
	redirect(303, `/m/${meetingId}`);
};

/** The meeting's title for a fixed join code (which the holder has anyway); none for a rotating link. */
function staticTitle(db: Db, code: string): string | null {
	try {
		return findMeetingByCode(db, code).title;
	} catch {
		return null;
	}
}
