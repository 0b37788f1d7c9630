/**
 * What the installed app (PWA) is called on a phone's home screen: the community of whoever installs it,
 * or the install's only community; null where that is not known (several communities, nobody logged in).
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import type { Actor } from '../authz';
import { community } from '../db/schema';

export function manifestCommunity(db: Db, actor: Actor | null): string | null {
	if (actor)
		return (
			db.select({ name: community.name }).from(community).where(eq(community.id, actor.communityId)).get()
				?.name ?? null
		);
	const all = db.select({ name: community.name }).from(community).limit(2).all();
	return all.length === 1 ? all[0].name : null;
}
