/** Residents' sessions made directly on the server's database, as redeeming an invitation would make them. */
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { resident, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createSession, generateSessionToken } from '$lib/server/session';

export function residentsOf(db: () => Db) {
	const userFor = (residentId: number): number => {
		const existing = db().select().from(user).where(eq(user.residentId, residentId)).get();
		if (existing) return existing.id;
		const r = db().select().from(resident).where(eq(resident.id, residentId)).get()!;
		return db().insert(user).values({ communityId: 1, displayName: r.name, residentId }).returning().get().id;
	};
	/** A logged-in phone's cookie for a resident. */
	const cookieFor = (residentId: number): string => {
		const token = generateSessionToken();
		createSession(db(), token, userFor(residentId));
		return `yizhan_session=${token}`;
	};
	const actorOf = (residentId: number) =>
		loadActor(
			db(),
			db()
				.select()
				.from(user)
				.where(eq(user.id, userFor(residentId)))
				.get()!
		);
	return { userFor, cookieFor, actorOf };
}
