/**
 * Versions of a meeting's notice (会议通知), kept apart from meeting-notices.ts so that scheduling a
 * meeting (meetings.ts) can issue the first one without an import cycle.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { meeting, meetingNotice } from '../db/schema';

type NoticeFacts = Pick<typeof meeting.$inferSelect, 'id' | 'title' | 'startsAt' | 'place'>;

/** Writes the next version of a meeting's notice from its row as it now stands. */
export function issueNotice(tx: Db | Tx, m: NoticeFacts, byUserId: number | null, now = Date.now()): number {
	const current = tx
		.select({ id: meetingNotice.id, version: meetingNotice.version })
		.from(meetingNotice)
		.where(and(eq(meetingNotice.meetingId, m.id), isNull(meetingNotice.supersededAt)))
		.get();
	if (current)
		tx.update(meetingNotice)
			.set({ supersededAt: new Date(now) })
			.where(eq(meetingNotice.id, current.id))
			.run();
	const version = (current?.version ?? 0) + 1;
	tx.insert(meetingNotice)
		.values({
			meetingId: m.id,
			version,
			title: m.title,
			startsAt: m.startsAt,
			place: m.place,
			issuedAt: new Date(now),
			issuedByUserId: byUserId
		})
		.run();
	return version;
}
