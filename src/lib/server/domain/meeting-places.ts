/**
 * The places a meeting can be called for: the community, its estates, grids and buildings, each
 * with the name people know it by (a building with its estate's). Words for the kinds are added at
 * the edge (src/routes/meetings/places.server.ts).
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { building, community, estate, grid, type MEETING_SCOPES } from '../db/schema';

export type ScopeType = (typeof MEETING_SCOPES)[number];
export type Place = { type: ScopeType; id: number; name: string };

export function communityPlaces(db: Db, communityId: number): Place[] {
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
	return [
		...(c ? [{ type: 'community' as const, id: c.id, name: c.name }] : []),
		...estates.map((e) => ({ type: 'estate' as const, id: e.id, name: e.name })),
		...grids.map((g) => ({ type: 'grid' as const, id: g.id, name: g.name })),
		...buildings.map((b) => ({
			type: 'building' as const,
			id: b.id,
			name: b.estateName ? `${b.estateName} ${b.name}` : b.name
		}))
	];
}
