import QRCode from 'qrcode';
import { useDb } from '$lib/server/db';
import { meetingForScreen, storedAgenda } from '../access.server';
import type { PageServerLoad } from './$types';

/** The projector: anyone with the join code (`?code=`) may show a public meeting's screen, without a login. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = useDb();
	const base = meetingForScreen(db, locals.actor, params.id, 'projector', url.searchParams.get('code'));
	const code = base.meeting.joinCode;
	const joinUrl = code ? `${url.origin}/j/${code}` : null;
	return {
		...base,
		anonymous: locals.actor === null,
		agenda: storedAgenda(base.meeting.id),
		joinUrl,
		// Our own generated markup, rendered with {@html}: no user text goes into it.
		qrSvg: joinUrl
			? await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
			: null
	};
};
