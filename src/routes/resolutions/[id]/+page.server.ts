/**
 * A resolution (决议), public without a login: the tamper-evident record a council posts (公示).
 * Anyone can read the question, rules, tally and hash chain, and a voter can find their receipt.
 */
import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { errorMessage } from '$lib/i18n';
import { isDomainError } from '$lib/server/domain/errors';
import { getResolutionView } from '$lib/server/domain/resolutions';
import { followUpOf } from '$lib/server/domain/follow-ups';
import type { BallotChannel, PollType, PublicRules, TallyView } from '$lib/realtime/poll';
import type { PageServerLoad } from './$types';

/** What a resolution froze when its poll closed (stored as JSON; written by closePoll). */
export type ResolutionContent = {
	question: string;
	type: PollType;
	options: Array<{ id: string; label: string }>;
	rules: PublicRules;
	tally: TallyView;
	carried: string[];
	meeting: { id: number; title: string };
	agendaItemId: string | null;
	proposalId: number | null;
	receipts: Array<[string, string[]]>;
	/** Receipts of ballots their voter changed before close, with the channel of the ballot that replaced each. */
	replaced?: Array<[string, string[], BallotChannel]>;
};

const idString = v.pipe(v.string(), v.regex(/^[1-9]\d{0,9}$/), v.transform(Number));

export const load: PageServerLoad = ({ locals, params }) => {
	const id = v.safeParse(idString, params.id);
	const notFound = (): never => error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	if (!id.success) return notFound();
	try {
		const { db } = locals.services;
		const r = getResolutionView(db, id.output);
		const followUpId = followUpOf(db, r.id)?.id ?? null;
		return { resolution: { ...r, content: r.content as unknown as ResolutionContent }, followUpId };
	} catch (e) {
		if (isDomainError(e) && e.code === 'NOT_FOUND') notFound();
		throw e;
	}
};
