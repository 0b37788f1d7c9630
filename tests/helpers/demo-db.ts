/** An in-memory database with the demo community, and actors for its accounts, for domain tests. */
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { building, household, resident, user } from '$lib/server/db/schema';
import { loadActor, type Actor } from '$lib/server/authz';
import { createMeeting, getMeeting, openMeeting } from '$lib/server/domain/meetings';
import { createYjsServer } from '$lib/server/yjs';
import { openTemplate } from './db-templates';

/** A fresh copy of the demo community (seeded once per run): a test may change it freely. */
export async function demoDb(): Promise<Db> {
	return openTemplate('demo');
}

export function staff(db: Db, username: string): Actor {
	const u = db.select().from(user).where(eq(user.username, username)).get();
	if (!u) throw new Error(`no demo user ${username}`);
	return loadActor(db, u);
}

/** The actor of the n-th resident (0-based) of a demo building, with an account as an invitation makes. */
export function residentActor(db: Db, buildingName: string, n = 0): Actor {
	const r = db
		.select({ id: resident.id, name: resident.name, communityId: building.communityId })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(eq(building.name, buildingName))
		.orderBy(resident.id)
		.all()[n];
	if (!r) throw new Error(`no resident ${n} in ${buildingName}`);
	const u =
		db.select().from(user).where(eq(user.residentId, r.id)).get() ??
		db
			.insert(user)
			.values({ communityId: r.communityId, displayName: r.name, residentId: r.id })
			.returning()
			.get();
	return loadActor(db, u);
}

/**
 * The demo database with a live, public meeting of 1栋 (households vote) opened by the demo
 * facilitator at `at`, and the Yjs document store the domain calls need.
 */
export async function openDemoMeeting(at: number) {
	const db = await demoDb();
	const docs = createYjsServer({ db });
	const f = staff(db, 'facilitator');
	const meetingId = createMeeting(db, f, {
		title: '1栋议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(at),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	openMeeting(db, f, meetingId, at);
	return { db, docs, f, meetingId, code: getMeeting(db, meetingId).joinCode };
}
