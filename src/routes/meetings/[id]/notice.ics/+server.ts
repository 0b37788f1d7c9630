import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { meetingNoticeView, noticeCalendar } from '$lib/server/domain/meeting-notices';
import { errorMessage } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import { orError } from '$lib/server/form-actions';
import { MeetingId } from '../../schemas.server';
import type { RequestHandler } from './$types';

/** The current notice as a calendar file: phones add the meeting, and move it when a new notice comes. */
export const GET: RequestHandler = ({ locals, params, url }) => {
	const id = v.safeParse(MeetingId, params.id);
	if (!id.success) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	const { notice } = orError(() => meetingNoticeView(locals.services.db, locals.actor, id.output));
	const pageUrl = `${url.origin}/meetings/${notice.meetingId}/notice`;
	const body = noticeCalendar(notice, {
		host: url.host,
		url: pageUrl,
		description: m.punct_label_value({ label: m.meeting_notice_kicker(), value: pageUrl })
	});
	return new Response(body, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': `attachment; filename="meeting-${notice.meetingId}.ics"`,
			'cache-control': 'no-cache'
		}
	});
};
