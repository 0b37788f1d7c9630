/**
 * What a chaos run needs on the server's database before it starts: a building with one adult per
 * household, their phones' sessions, a live meeting, and the staff who run it. Made directly on the
 * SQLite file (as tests/integration do), then served by the real server.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { createSession, generateSessionToken } from '$lib/server/session';
import type { PublicRules } from '$lib/realtime/poll';
import { addBuilding } from '../../helpers/roster-fixtures';

export type Voter = { residentId: number; cookie: string };

/** A session cookie for an existing account, as logging in would make it (no password round trip). */
export function cookieForUser(db: Db, userId: number): string {
	const token = generateSessionToken();
	createSession(db, token, userId);
	return `yizhan_session=${token}`;
}

export function staffCookie(db: Db, username: string): string {
	return cookieForUser(db, db.select().from(user).where(eq(user.username, username)).get()!.id);
}

/** A new building of the demo estate with `n` households of one adult each, every one with a phone. */
export function newBuilding(db: Db, name: string, n: number): { buildingId: number; voters: Voter[] } {
	const { buildingId, people } = db.transaction((tx) => {
		const { buildingId, residents } = addBuilding(tx, name, n);
		const people = residents.map(({ residentId, name: displayName }) => {
			const userId = tx.insert(user).values({ communityId: 1, displayName, residentId }).returning().get().id;
			return { residentId, userId };
		});
		return { buildingId, people };
	});
	return {
		buildingId,
		voters: people.map((p) => ({ residentId: p.residentId, cookie: cookieForUser(db, p.userId) }))
	};
}

/** A meeting of that building, created by the demo facilitator (opened later over the socket). */
export function newMeeting(db: Db, buildingId: number): { meetingId: number; joinCode: string } {
	const row = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
	const meetingId = createMeeting(db, loadActor(db, row), {
		title: '压测楼表决会',
		scopeType: 'building',
		scopeId: buildingId,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	return { meetingId, joinCode: getMeeting(db, meetingId).joinCode };
}

/** Named, live tally, eligible households may vote whether checked in or not (check-ins run beside). */
export const CHAOS_RULES: PublicRules = {
	votingUnit: 'household',
	whoMayVote: 'eligible',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};
