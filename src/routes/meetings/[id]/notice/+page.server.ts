import { error } from '@sveltejs/kit';
import QRCode from 'qrcode';
import * as v from 'valibot';
import { listItems } from '$lib/agenda';
import { agendaDocName } from '$lib/server/domain/meetings';
import { meetingNoticeView } from '$lib/server/domain/meeting-notices';
import { errorMessage } from '$lib/i18n';
import { orError } from '$lib/server/form-actions';
import { placeLabel } from '../../places.server';
import { MeetingId } from '../../schemas.server';
import type { PageServerLoad } from './$types';

const Version = v.pipe(v.string(), v.regex(/^[1-9]\d{0,5}$/), v.transform(Number));

/**
 * 会议通知: the printable notice for the door and the notice board, and the page a WeChat group link
 * opens. Public for a public meeting (it is on the door anyway); `?v=` shows an earlier version, marked.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const id = v.safeParse(MeetingId, params.id);
	const version = url.searchParams.has('v') ? v.safeParse(Version, url.searchParams.get('v')) : null;
	if (!id.success || (version && !version.success))
		error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	const { db } = locals.services;
	const view = orError(() => meetingNoticeView(db, locals.actor, id.output, version?.output));
	const m = view.meeting;
	const meetingUrl = `${url.origin}/m/${m.id}`;
	return {
		meeting: {
			id: m.id,
			title: m.title,
			body: m.body,
			scope: placeLabel(db, m.communityId, m.scopeType, m.scopeId)
		},
		notice: {
			version: view.notice.version,
			title: view.notice.title,
			startsAt: view.notice.startsAt.getTime(),
			place: view.notice.place,
			issuedAt: view.notice.issuedAt.getTime(),
			superseded: view.notice.supersededAt !== null
		},
		current: view.current,
		legal: view.legal,
		agenda: locals.services.docs
			.read(agendaDocName(m.id), listItems)
			.map((i) => ({ id: i.id, title: i.title, minutes: i.minutes })),
		pageUrl: `${url.origin}/meetings/${m.id}/notice`,
		qrSvg: await QRCode.toString(meetingUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
	};
};
