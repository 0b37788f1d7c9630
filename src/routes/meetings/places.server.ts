/**
 * The places a meeting can be called for, with the names people know them by: the community, its
 * estates, grids and buildings, each only where the actor may manage meetings.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { can, placeScope, type Actor } from '$lib/server/authz';
import { building, community, estate, grid, MEETING_SCOPES } from '$lib/server/db/schema';
import { m } from '$lib/paraglide/messages';

export type ScopeType = (typeof MEETING_SCOPES)[number];
export type PlaceChoice = { value: string; type: ScopeType; id: number; label: string };

function allPlaces(db: Db, communityId: number): PlaceChoice[] {
	const c = db.select().from(community).where(eq(community.id, communityId)).get();
	const estates = db
		.select()
		.from(estate)
		.where(eq(estate.communityId, communityId))
		.orderBy(asc(estate.name))
		.all();
	const grids = db.select().from(grid).where(eq(grid.communityId, communityId)).orderBy(asc(grid.name)).all();
	const buildings = db
		.select({ id: building.id, name: building.name, estateName: estate.name })
		.from(building)
		.leftJoin(estate, eq(building.estateId, estate.id))
		.where(eq(building.communityId, communityId))
		.orderBy(asc(estate.name), asc(building.name))
		.all();
	const place = (type: ScopeType, id: number, label: string) => ({ value: `${type}:${id}`, type, id, label });
	return [
		...(c ? [place('community', c.id, m.meetings_scope_community({ name: c.name }))] : []),
		...estates.map((e) => place('estate', e.id, m.meetings_scope_estate({ name: e.name }))),
		...grids.map((g) => place('grid', g.id, m.meetings_scope_grid({ name: g.name }))),
		...buildings.map((b) => place('building', b.id, b.estateName ? `${b.estateName} ${b.name}` : b.name))
	];
}

export function manageablePlaces(db: Db, actor: Actor | null): PlaceChoice[] {
	if (!actor) return [];
	return allPlaces(db, actor.communityId).filter((p) =>
		can(actor, 'meeting.manage', placeScope(db, p.type, p.id))
	);
}

/** The name of a meeting's place, for headings. */
export function placeLabel(db: Db, communityId: number, type: ScopeType, id: number): string {
	return allPlaces(db, communityId).find((p) => p.type === type && p.id === id)?.label ?? '';
}
