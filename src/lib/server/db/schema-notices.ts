/**
 * Meeting notices (会议通知): what a meeting was called with. A change of time or place issues a new
 * version and marks the one before as superseded, so a notice printed on a door can be checked against
 * the current one and nothing a resident was told is rewritten.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { meeting, user } from './schema-core';

export const meetingNotice = sqliteTable(
	'meeting_notice',
	{
		id: integer('id').primaryKey(),
		meetingId: integer('meeting_id')
			.notNull()
			.references(() => meeting.id),
		/** 1 for the notice the meeting was called with, then one more for each change. */
		version: integer('version').notNull(),
		title: text('title').notNull(),
		startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
		place: text('place').notNull(),
		issuedAt: integer('issued_at', { mode: 'timestamp_ms' }).notNull(),
		issuedByUserId: integer('issued_by_user_id').references(() => user.id),
		/** Set when a later version replaces this one. */
		supersededAt: integer('superseded_at', { mode: 'timestamp_ms' })
	},
	(t) => [
		uniqueIndex('meeting_notice_version_uq').on(t.meetingId, t.version),
		index('meeting_notice_meeting_idx').on(t.meetingId)
	]
);
