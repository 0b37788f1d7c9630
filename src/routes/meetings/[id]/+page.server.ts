import { error } from '@sveltejs/kit';
import QRCode from 'qrcode';
import * as v from 'valibot';
import { agendaDocName, meetingToPrepare, openMeeting } from '$lib/server/domain/meetings';
import { meetingState } from '$lib/server/domain/meeting-state';
import { meetingNoticeView, rescheduleMeeting } from '$lib/server/domain/meeting-notices';
import { listItems } from '$lib/agenda';
import { setRotatingCheckIn } from '$lib/server/domain/check-in-code';
import { CLOSE_RELATIVES, noticeShortfall, proxyPolicy } from '$lib/server/domain/bodies';
import { eligibleParticipants } from '$lib/server/domain/eligibility';
import { publishedProxies, recordWrittenProxy, withdrawWrittenProxy } from '$lib/server/domain/proxies';
import { formValues, parseForm } from '$lib/server/forms';
import { broadcastMeetingState } from '$lib/server/realtime';
import { runAction } from '$lib/server/forms';
import { errorMessage } from '$lib/i18n';
import { failed, orError } from '$lib/server/form-actions';
import { placeLabel } from '../places.server';
import { punct_aside } from '$lib/paraglide/messages';
import { chinaTime, chinaTimeValue, text } from '../schemas.server';
import type { Actions, PageServerLoad } from './$types';

const Id = v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));

function meetingId(params: { id: string }): number {
	const id = v.safeParse(Id, params.id);
	if (!id.success) error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	return id.output;
}

/**
 * The meeting's setup page. Those who run it get the join QR code to print or show, who is expected,
 * written proxies and the way in; those who only co-edit its agenda (the 两委 committee) get the
 * meeting's facts and the agenda editor, not the join code (a phone holding it could check in from home).
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { db } = locals.services;
	const id = meetingId(params);
	const { meeting: m, canManage } = orError(() => meetingToPrepare(db, locals.actor, id));
	const state = meetingState(db, m.id);
	const joinUrl = `${url.origin}/j/${m.joinCode}`;
	return {
		meeting: {
			id: m.id,
			title: m.title,
			status: m.status,
			place: m.place,
			startsAt: m.startsAt.getTime(),
			votingUnit: m.votingUnit,
			isPublic: m.isPublic,
			scope: placeLabel(db, m.communityId, m.scopeType, m.scopeId),
			body: m.body,
			rotatingCheckIn: m.rotatingCheckIn
		},
		canManage,
		// Scheduling in the app is taken as giving notice: warn while it can still be moved.
		notice: m.status === 'draft' ? noticeShortfall(m.body, m.createdAt, m.startsAt) : null,
		// 会议通知: the printable notice, the text for the building's WeChat group, the calendar file.
		meetingNotice: {
			url: `${url.origin}/meetings/${m.id}/notice`,
			version: meetingNoticeView(db, locals.actor, m.id).notice.version,
			agenda: locals.services.docs.read(agendaDocName(m.id), listItems).map((i) => i.title),
			startsAtValue: chinaTimeValue(m.startsAt.getTime())
		},
		attendance: state.attendance,
		// A rotating code lives on the projector only; the fixed one may be printed.
		join: canManage
			? {
					url: m.rotatingCheckIn ? null : joinUrl,
					screenUrl: `/m/${m.id}/screen?code=${m.joinCode}`,
					qrSvg: m.rotatingCheckIn
						? null
						: await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
				}
			: null,
		writtenProxies:
			canManage && proxyPolicy(m.body) === 'written'
				? {
						list: publishedProxies(db, locals.actor, m.id),
						voters: eligibleParticipants(db, m, m.startsAt).map((e) => ({
							residentId: e.residentId,
							label: e.name + punct_aside({ text: e.buildingName + e.unit })
						})),
						relations: CLOSE_RELATIVES
					}
				: null
	};
};

const WrittenProxy = v.object({
	grantorResidentId: Id,
	proxyResidentId: Id,
	relation: v.pipe(v.string(), v.maxLength(20))
});

export const actions: Actions = {
	open: async ({ locals, params }) => {
		const id = meetingId(params);
		const result = await runAction(() => openMeeting(locals.services.db, locals.actor, id));
		if (failed(result)) return result;
		broadcastMeetingState(id);
		return { done: 'opened' };
	},
	/** 改期: a new time or place issues a new notice; the old one is marked superseded. */
	reschedule: async ({ locals, params, request }) => {
		const id = meetingId(params);
		const data = await request.formData();
		const parsed = parseForm(v.object({ startsAt: chinaTime, place: text(80) }), data);
		if (!parsed.ok) return parsed.failure;
		const result = await runAction(
			() => rescheduleMeeting(locals.services.db, locals.actor, id, parsed.output),
			formValues(data)
		);
		if (failed(result)) return result;
		if (result.changed) broadcastMeetingState(id);
		return { done: result.changed ? 'rescheduled' : 'unchanged', version: result.version };
	},
	/** 书面委托: the election staff record a written proxy they received. */
	recordProxy: async ({ locals, params, request }) => {
		const meetingId_ = meetingId(params);
		const data = await request.formData();
		const parsed = parseForm(WrittenProxy, data);
		if (!parsed.ok) return parsed.failure;
		const result = await runAction(
			() => recordWrittenProxy(locals.services.db, locals.actor, { meetingId: meetingId_, ...parsed.output }),
			formValues(data)
		);
		if (failed(result)) return result;
		return { done: 'proxyRecorded' };
	},
	/** 签到方式: the rotating code on the projector, or the fixed join code (printable). */
	checkInMode: async ({ locals, params, request }) => {
		const id = meetingId(params);
		const parsed = parseForm(v.object({ rotating: v.picklist(['on', 'off']) }), await request.formData());
		if (!parsed.ok) return parsed.failure;
		const on = parsed.output.rotating === 'on';
		const result = await runAction(() => setRotatingCheckIn(locals.services.db, locals.actor, id, on));
		if (failed(result)) return result;
		return { done: on ? 'rotatingOn' : 'rotatingOff' };
	},
	withdrawProxy: async ({ locals, params, request }) => {
		const meetingId_ = meetingId(params);
		const data = await request.formData();
		const parsed = parseForm(v.object({ grantorResidentId: Id }), data);
		if (!parsed.ok) return parsed.failure;
		const result = await runAction(() =>
			withdrawWrittenProxy(locals.services.db, locals.actor, { meetingId: meetingId_, ...parsed.output })
		);
		if (failed(result)) return result;
		return { done: 'proxyWithdrawn' };
	}
};
