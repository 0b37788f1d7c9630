/**
 * Village rules (村规民约): the draft itself is the Yjs document `rules:<communityId>`; these tables keep
 * what must not drift with it: named versions, residents' comments and suggestions, who edited which
 * clause, polls on clauses, adopted clauses and published texts.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { community, poll, resolution, user } from './schema-core';
import type { Rules } from '$lib/rules/clauses';

const createdAt = () =>
	integer('created_at', { mode: 'timestamp_ms' })
		.notNull()
		.default(sql`(unixepoch('subsec') * 1000)`);
const communityId = () =>
	integer('community_id')
		.notNull()
		.references(() => community.id);

/** A named version: the full Yjs state (to restore or compare) and its text as read then. */
export const rulesVersion = sqliteTable(
	'rules_version',
	{
		id: integer('id').primaryKey(),
		communityId: communityId(),
		name: text('name').notNull(),
		state: blob('state', { mode: 'buffer' }).notNull(),
		text: text('text', { mode: 'json' }).notNull().$type<Rules>(),
		createdByUserId: integer('created_by_user_id')
			.notNull()
			.references(() => user.id),
		createdAt: createdAt()
	},
	(t) => [index('rules_version_community_idx').on(t.communityId)]
);

/**
 * A comment on a clause, a suggested new wording for it, or a reply. The anchor is a pair of Yjs
 * relative positions (base64), so the comment stays on its text while others edit.
 */
export const rulesComment = sqliteTable(
	'rules_comment',
	{
		id: integer('id').primaryKey(),
		communityId: communityId(),
		clauseId: text('clause_id').notNull(),
		parentId: integer('parent_id'),
		kind: text('kind', { enum: ['comment', 'suggestion', 'reply'] }).notNull(),
		body: text('body').notNull(),
		suggestion: text('suggestion'),
		quote: text('quote').notNull().default(''),
		anchorStart: text('anchor_start'),
		anchorEnd: text('anchor_end'),
		authorUserId: integer('author_user_id')
			.notNull()
			.references(() => user.id),
		status: text('status', { enum: ['open', 'accepted', 'declined'] })
			.notNull()
			.default('open'),
		decidedByUserId: integer('decided_by_user_id').references(() => user.id),
		reason: text('reason'),
		decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
		createdAt: createdAt()
	},
	(t) => [index('rules_comment_community_idx').on(t.communityId, t.clauseId)]
);

/** Who edited which clause, by the minute (from the Yjs server's transactions). */
export const rulesEdit = sqliteTable(
	'rules_edit',
	{
		communityId: communityId(),
		clauseId: text('clause_id').notNull(),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id),
		minute: integer('minute').notNull()
	},
	(t) => [primaryKey({ columns: [t.communityId, t.clauseId, t.userId, t.minute] })]
);

/** A poll on clauses of a saved version (all of them when `clauseIds` is null: the whole draft). */
export const rulesPoll = sqliteTable('rules_poll', {
	pollId: integer('poll_id')
		.primaryKey()
		.references(() => poll.id),
	communityId: communityId(),
	versionId: integer('version_id')
		.notNull()
		.references(() => rulesVersion.id),
	clauseIds: text('clause_ids', { mode: 'json' }).$type<string[] | null>()
});

/** A clause adopted by a passed poll, with the wording voted on. */
export const rulesAdoption = sqliteTable(
	'rules_adoption',
	{
		id: integer('id').primaryKey(),
		communityId: communityId(),
		clauseId: text('clause_id').notNull(),
		versionId: integer('version_id')
			.notNull()
			.references(() => rulesVersion.id),
		resolutionId: integer('resolution_id')
			.notNull()
			.references(() => resolution.id),
		text: text('text').notNull(),
		adoptedAt: integer('adopted_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [uniqueIndex('rules_adoption_uq').on(t.resolutionId, t.clauseId)]
);

/** A published text: frozen, hashed (chained to the previous publication), with its resolution. */
export const rulesPublication = sqliteTable(
	'rules_publication',
	{
		id: integer('id').primaryKey(),
		communityId: communityId(),
		seq: integer('seq').notNull(),
		versionId: integer('version_id')
			.notNull()
			.references(() => rulesVersion.id),
		resolutionId: integer('resolution_id')
			.notNull()
			.unique()
			.references(() => resolution.id),
		text: text('text', { mode: 'json' }).notNull().$type<Rules>(),
		effectiveFrom: text('effective_from').notNull(),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull().unique(),
		publishedByUserId: integer('published_by_user_id')
			.notNull()
			.references(() => user.id),
		publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [uniqueIndex('rules_publication_seq_uq').on(t.communityId, t.seq)]
);
