import { proxyPolicy } from '$lib/server/domain/bodies';
import { participantStatus } from '$lib/server/domain/attendance';
import { voterStatus } from '$lib/server/domain/ballots';
import { proxyChoices, publishedProxies } from '$lib/server/domain/proxies';
import { meetingForScreen, storedAgenda } from './access.server';
import * as v from 'valibot';
import { checkIn } from '$lib/server/domain/attendance';
import { parseForm, runAction } from '$lib/server/forms';
import { failed } from '$lib/server/form-actions';
import { broadcastMeetingState } from '$lib/server/realtime';
import { limitWrongCheckInCodes } from '$lib/server/rate-limit';
import type { Actions, PageServerLoad } from './$types';

/** The resident's phone view; staff may open it too (without check-in or hand). */
export const load: PageServerLoad = ({ locals, params }) => {
	const { db } = locals.services;
	const base = meetingForScreen(db, locals.actor, params.id, 'phone');
	const residentId = locals.actor?.residentId ?? null;
	return {
		...base,
		isResident: residentId != null,
		// Checked in or not, for a phone without JavaScript (no socket to say so).
		present: residentId != null && participantStatus(db, base.meeting.id, residentId).present,
		agenda: storedAgenda(locals.services.docs, base.meeting.id),
		// Polls this resident's unit already voted in: a phone without JavaScript (no socket) coming
		// back to the meeting sees "您户已投票" instead of the form.
		votedPolls: residentId != null ? voterStatus(db, base.meeting.id, residentId).votedPolls : [],
		proxy:
			residentId != null && proxyPolicy(base.meeting.body) === 'self'
				? proxyChoices(db, base.meeting.id, residentId)
				: null,
		// 村民委员会选举: the list of written proxies is published to everyone at the meeting.
		writtenProxies:
			proxyPolicy(base.meeting.body) === 'written' && locals.actor
				? publishedProxies(db, locals.actor, base.meeting.id)
				: null
	};
};

export const actions: Actions = {
	/** 签到 from a phone without JavaScript: the code typed from the screen, as the socket sends it. */
	checkIn: async ({ locals, params, request }) => {
		const { db } = locals.services;
		const { meeting } = meetingForScreen(db, locals.actor, params.id, 'phone');
		const parsed = parseForm(
			v.object({ code: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(8)) }),
			await request.formData()
		);
		if (!parsed.ok) return parsed.failure;
		const { actor } = locals;
		const run = () => checkIn(db, actor, meeting.id, parsed.output.code);
		const result = await runAction(() => limitWrongCheckInCodes(actor, run));
		if (failed(result)) return result;
		broadcastMeetingState(meeting.id);
		return { done: 'checkedIn' };
	}
};
