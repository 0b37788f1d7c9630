import QRCode from 'qrcode';
import { showCheckInCode, type ShownCheckInCode } from '$lib/server/domain/check-in-code';
import { isDomainError } from '$lib/server/domain/errors';
import { meetingForScreen, storedAgenda } from '../access.server';
import type { PageServerLoad } from './$types';

/**
 * The projector: anyone with the join code (`?code=`) may show a public meeting's screen, without a
 * login. It shows the check-in code; a rotating one is renewed over the socket (CheckInCode.svelte).
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { db } = locals.services;
	const base = meetingForScreen(db, locals.actor, params.id, 'projector', url.searchParams.get('code'));
	const joinCode = base.meeting.joinCode;
	// A logged-in viewer holding a private meeting's code sees the meeting but no check-in code.
	let checkIn: ShownCheckInCode | null = null;
	try {
		if (joinCode) checkIn = showCheckInCode(db, locals.actor, base.meeting.id, { code: joinCode });
	} catch (e) {
		if (!isDomainError(e)) throw e;
	}
	return {
		...base,
		anonymous: locals.actor === null,
		agenda: storedAgenda(locals.services.docs, base.meeting.id),
		origin: url.origin,
		checkIn,
		// Our own generated markup, rendered with {@html}: no user text goes into it.
		qrSvg: checkIn
			? await QRCode.toString(url.origin + checkIn.path, {
					type: 'svg',
					margin: 1,
					errorCorrectionLevel: 'M'
				})
			: null
	};
};
