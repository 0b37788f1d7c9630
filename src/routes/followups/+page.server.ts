import { shownStatus } from '$lib/followup';
import { listFollowUps } from '$lib/server/domain/follow-ups';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) =>
	orError(() => {
		const now = Date.now();
		return {
			followUps: listFollowUps(locals.services.db, locals.actor).map((f) => ({
				id: f.id,
				question: f.question,
				status: shownStatus(f, now),
				percent: f.percent,
				dueOn: f.dueOn
			}))
		};
	});
