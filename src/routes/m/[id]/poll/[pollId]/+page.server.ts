/**
 * The no-JavaScript ballot (progressive enhancement): the phone's poll card is a plain form posting
 * here, so a phone without JavaScript or without websockets votes through the same domain function.
 * The receipt is made by the server (there is no script on the phone to make it). For a village-rules
 * vote the page also shows the wording voted on (the ballot links here).
 */
import { error, fail, isActionFailure } from '@sveltejs/kit';
import * as v from 'valibot';
import { errorMessage } from '$lib/i18n';
import { castBallot } from '$lib/server/domain/ballots';
import { getPoll } from '$lib/server/domain/polls';
import { clausesVotedOn } from '$lib/server/domain/rules-adoption';
import { isDomainError } from '$lib/server/domain/errors';
import type { Db } from '$lib/server/db';
import { broadcastMeetingState } from '$lib/server/realtime';
import { runAction } from '$lib/server/forms';
import { enforce, formBallotLimiter } from '$lib/server/rate-limit';
import { makeReceipt } from '$lib/receipt';
import { meetingForScreen } from '../../access.server';
import type { Actions, PageServerLoad } from './$types';

const idString = v.pipe(v.string(), v.regex(/^[1-9]\d{0,9}$/), v.transform(Number));
const CastForm = v.object({
	choices: v.pipe(
		v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(40))),
		v.minLength(1),
		v.maxLength(12)
	)
});

function ids(params: { id: string; pollId: string }) {
	const meetingId = v.safeParse(idString, params.id);
	const pollId = v.safeParse(idString, params.pollId);
	if (!meetingId.success || !pollId.success)
		error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	return { meetingId: meetingId.output, pollId: pollId.output };
}

/** The poll must belong to the meeting in the address (a 404 otherwise, not a ballot elsewhere). */
function pollOfMeeting(db: Db, meetingId: number, pollId: number) {
	const notFound = () => error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	let p: ReturnType<typeof getPoll>;
	try {
		p = getPoll(db, pollId);
	} catch (e) {
		if (isDomainError(e)) notFound();
		throw e;
	}
	if (p.meetingId !== meetingId) notFound();
	return p;
}

export const load: PageServerLoad = ({ locals, params }) => {
	const { db } = locals.services;
	const base = meetingForScreen(db, locals.actor, params.id, 'phone');
	const { pollId } = ids(params);
	const p = pollOfMeeting(db, base.meeting.id, pollId);
	return {
		meeting: { id: base.meeting.id, title: base.meeting.title },
		poll: { id: p.id, question: p.question },
		// A village-rules vote: the wording voted on, linked from the phone's ballot.
		rules: clausesVotedOn(db, p.id)
	};
};

export const actions: Actions = {
	cast: async ({ request, locals, params }) => {
		const { meetingId, pollId } = ids(params);
		pollOfMeeting(locals.services.db, meetingId, pollId);
		const data = await request.formData();
		const parsed = v.safeParse(CastForm, {
			choices: data.getAll('choice').filter((c): c is string => typeof c === 'string')
		});
		if (!parsed.success) return fail(400, { code: 'NO_CHOICE' });
		const result = await runAction(async () => {
			if (locals.actor) await enforce(formBallotLimiter, String(locals.actor.userId));
			return castBallot(locals.services.db, locals.actor, {
				pollId,
				ballotId: crypto.randomUUID(),
				receipt: makeReceipt(),
				choices: parsed.output.choices,
				channel: 'form'
			});
		});
		if (isActionFailure(result)) return result;
		const cast = result as { receipt: string; duplicate: boolean };
		broadcastMeetingState(meetingId);
		return { receipt: cast.receipt, duplicate: cast.duplicate };
	}
};
