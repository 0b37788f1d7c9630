import { error } from '@sveltejs/kit';
import QRCode from 'qrcode';
import * as v from 'valibot';
import { meetingNoticeView } from '$lib/server/domain/meeting-notices';
import { errorMessage } from '$lib/i18n';
import { orError } from '$lib/server/form-actions';
import { MeetingId } from '../../schemas.server';
import type { RequestHandler } from './$types';

/** The picture a chat app shows beside a pasted notice link: the meeting's QR code, as a PNG. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const id = v.safeParse(MeetingId, params.id);
	if (!id.success) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	const { meeting } = orError(() => meetingNoticeView(locals.services.db, locals.actor, id.output));
	const png = await QRCode.toBuffer(`${url.origin}/m/${meeting.id}`, { type: 'png', margin: 2, width: 300 });
	return new Response(new Uint8Array(png), {
		headers: { 'content-type': 'image/png', 'cache-control': 'public, max-age=3600' }
	});
};
