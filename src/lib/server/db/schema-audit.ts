/**
 * The audit log (审计日志): who opened and closed polls, entered hand counts, recorded assisted, proxy
 * or hand ballots, changed roles, deleted accounts, signed minutes, and whose co-edited writes were
 * refused for size. Append-only: the migration adds triggers that
 * refuse UPDATE and DELETE, so not even a bug in the app can rewrite it.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { community, user } from './schema-core';

export const AUDIT_ACTIONS = [
	'poll.open',
	'poll.close',
	'poll.withdraw',
	'handCount.record',
	'ballot.assist',
	'ballot.hand',
	'ballot.proxy',
	'ballot.replace',
	'proxy.record',
	'proxy.designate',
	'proxy.revoke',
	'role.grant',
	'role.revoke',
	'account.delete',
	'minutes.sign',
	'meeting.reschedule',
	'document.refuse'
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntry = sqliteTable(
	'audit_entry',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		/** Null for the system itself (a sweep, a backup from the command line). */
		actorUserId: integer('actor_user_id').references(() => user.id),
		action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
		/** What it was done to, e.g. 'poll' 12; read together with `detail`. */
		subjectType: text('subject_type').notNull(),
		subjectId: integer('subject_id'),
		/** JSON with the figures that matter (counts, the role granted); never a secret choice. */
		detail: text('detail').notNull().default('{}'),
		at: integer('at', { mode: 'timestamp_ms' })
			.notNull()
			.default(sql`(unixepoch('subsec') * 1000)`)
	},
	(t) => [index('audit_entry_community_idx').on(t.communityId, t.at)]
);
