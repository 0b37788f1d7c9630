/** Roster rows added straight to a server's database, as the admin's roster pages would add them. */
import type { Db, Tx } from '$lib/server/db';
import { building, household, resident } from '$lib/server/db/schema';

export type NewResident = { residentId: number; name: string };

/**
 * A new building of the demo estate (community 1) with `n` households of one adult each, numbered
 * 1单元101…1单元120, 2单元101… Call inside a transaction to add many at one commit.
 */
export function addBuilding(
	db: Db | Tx,
	name: string,
	n: number
): { buildingId: number; residents: NewResident[] } {
	const buildingId = db
		.insert(building)
		.values({ communityId: 1, estateId: 1, gridId: 1, name })
		.returning()
		.get().id;
	const residents = Array.from({ length: n }, (_, i) => {
		const householdId = db
			.insert(household)
			.values({ buildingId, unit: `${Math.floor(i / 20) + 1}单元${(i % 20) + 101}` })
			.returning()
			.get().id;
		const residentName = `${name}住户${i + 1}`;
		const residentId = db.insert(resident).values({ householdId, name: residentName }).returning().get().id;
		return { residentId, name: residentName };
	});
	return { buildingId, residents };
}
