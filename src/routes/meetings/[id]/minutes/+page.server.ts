/**
 * 会议纪要: anyone who may view the meeting reads the minutes; the facilitator writes the summary; the
 * facilitator and two residents who attended sign them off. Actions only parse, call the domain
 * (domain/minutes.ts) and say what happened.
 */
import * as v from 'valibot';
import { parseForm, runAction } from '$lib/server/forms';
import { getMinutes, MAX_SUMMARY, saveSummary, signMinutes } from '$lib/server/domain/minutes';
import { parseMeetingId } from '../../../m/[id]/access.server';
import { failed, orError } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => {
	const id = parseMeetingId(params.id);
	const minutes = orError(() => getMinutes(locals.services.db, locals.services.docs, locals.actor, id));
	return { meetingId: id, minutes, maxSummary: MAX_SUMMARY };
};

// Longer text is refused by the domain with the same code; this only keeps the request small.
const Summary = v.object({ summary: v.pipe(v.string(), v.maxLength(MAX_SUMMARY * 2)) });

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		const id = parseMeetingId(params.id);
		const data = await request.formData();
		const parsed = parseForm(Summary, data);
		if (!parsed.ok) return parsed.failure;
		const summary = parsed.output.summary;
		const result = await runAction(() => saveSummary(locals.services.db, locals.actor, id, summary), {
			summary
		});
		if (failed(result)) return result;
		return { done: 'saved' as const };
	},
	sign: async ({ locals, params }) => {
		const id = parseMeetingId(params.id);
		const result = await runAction(() =>
			signMinutes(locals.services.db, locals.services.docs, locals.actor, id)
		);
		if (failed(result)) return result;
		return { done: result.status === 'signed' ? ('frozen' as const) : ('signed' as const) };
	}
};
