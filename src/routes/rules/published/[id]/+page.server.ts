/**
 * A published village rules text (公示), public without a login: the frozen text with its numbered
 * clauses, the date it takes effect, the resolution that adopted it and its hash; the edition before
 * it stays readable, with what changed.
 */
import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { diffRules } from '$lib/rules/diff';
import { errorMessage } from '$lib/i18n';
import { isDomainError } from '$lib/server/domain/errors';
import { getResolutionView } from '$lib/server/domain/resolutions';
import { getPublication } from '$lib/server/domain/rules-adoption';
import type { PageServerLoad } from './$types';

const idString = v.pipe(v.string(), v.regex(/^[1-9]\d{0,9}$/), v.transform(Number));

export const load: PageServerLoad = ({ locals, params }) => {
	const id = v.safeParse(idString, params.id);
	const notFound = (): never => error(404, { message: errorMessage('NOT_FOUND'), code: 'NOT_FOUND' });
	if (!id.success) return notFound();
	try {
		const { db } = locals.services;
		const p = getPublication(db, id.output);
		const adoptedAt = getResolutionView(db, p.resolutionId).decidedAt;
		return {
			publication: { ...p, publishedAt: p.publishedAt.getTime(), adoptedAt },
			previous: p.previous ? { id: p.previous.id, seq: p.previous.seq } : null,
			changes: p.previous ? diffRules(p.previous.text, p.text) : null
		};
	} catch (e) {
		if (isDomainError(e) && e.code === 'NOT_FOUND') notFound();
		throw e;
	}
};
