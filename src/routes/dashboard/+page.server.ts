/**
 * The dashboard (统计) for staff with `dashboard.view`: the community's figures, or one building's
 * (a 楼栋长 sees their own building). The place comes from the query string, so a view can be bookmarked.
 */
import * as v from 'valibot';
import { dashboardFor, dashboardPlaces } from '$lib/server/domain/dashboard';
import { DomainError } from '$lib/server/domain/errors';
import { orError } from '$lib/server/form-actions';
import type { PageServerLoad } from './$types';

/** Anything but a building id means the default place, rather than an error page. */
const Query = v.object({
	building: v.fallback(
		v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number))),
		undefined
	)
});

export const load: PageServerLoad = ({ locals, url }) =>
	orError(() => {
		const { db } = locals.services;
		const places = dashboardPlaces(db, locals.actor);
		if (!places.community && places.buildings.length === 0) throw new DomainError('FORBIDDEN');
		const q = v.parse(Query, Object.fromEntries(url.searchParams));
		const buildingId = q.building ?? (places.community ? null : places.buildings[0].id);
		return { places, buildingId, figures: dashboardFor(db, locals.actor, buildingId) };
	});
