/**
 * People, sessions and meetings for a bench, written straight into the server's SQLite file (WAL lets
 * us write beside the running server), as the roster import and invitation links would make them.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { building, household, resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { checkIn } from '$lib/server/domain/attendance';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { createSession, generateSessionToken } from '$lib/server/session';

export type Person = { residentId: number; userId: number; cookie: string };

/** A session cookie for an existing user, as a login or an invitation link makes one. */
export function cookieForUser(db: Db, userId: number): string {
	const token = generateSessionToken();
	createSession(db, token, userId);
	return `yizhan_session=${token}`;
}

export function userNamed(db: Db, username: string) {
	return db.select().from(user).where(eq(user.username, username)).get()!;
}

/** A new building of the demo estate with `n` households of one adult each, each with a logged-in phone. */
export function newBuilding(db: Db, name: string, n: number): { buildingId: number; people: Person[] } {
	return db.transaction((tx) => {
		const buildingId = tx
			.insert(building)
			.values({ communityId: 1, estateId: 1, gridId: 1, name })
			.returning()
			.get().id;
		const people = Array.from({ length: n }, (_, i) => {
			const householdId = tx
				.insert(household)
				.values({ buildingId, unit: `${Math.floor(i / 20) + 1}单元${(i % 20) + 101}` })
				.returning()
				.get().id;
			const residentName = `${name}住户${i + 1}`;
			const residentId = tx.insert(resident).values({ householdId, name: residentName }).returning().get().id;
			const userId = tx
				.insert(user)
				.values({ communityId: 1, displayName: residentName, residentId })
				.returning()
				.get().id;
			const token = generateSessionToken();
			createSession(tx as unknown as Db, token, userId);
			return { residentId, userId, cookie: `yizhan_session=${token}` };
		});
		return { buildingId, people };
	});
}

/** A public meeting of one building, created by the demo facilitator; returns its id and join code. */
export function newMeeting(db: Db, buildingId: number) {
	const facilitator = loadActor(db, userNamed(db, 'facilitator'));
	const meetingId = createMeeting(db, facilitator, {
		title: `${buildingId}号楼压测表决会`,
		scopeType: 'building',
		scopeId: buildingId,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	return { meetingId, code: getMeeting(db, meetingId).joinCode };
}

/** Checks everyone in through the domain, in one transaction. */
export function checkInAll(db: Db, meetingId: number, people: Person[]) {
	const code = getMeeting(db, meetingId).joinCode;
	const actors = people.map((p) => loadActor(db, db.select().from(user).where(eq(user.id, p.userId)).get()!));
	db.transaction(() => {
		for (const a of actors) checkIn(db, a, meetingId, code);
	});
}
