/**
 * Ballots that a later ballot of the same voter replaced (named polls that allow changes only): kept
 * so the superseded receipt stays in the published list, marked as replaced, and a late retry of the
 * old ballot id is answered with its own receipt.
 */
import { integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { poll, pollVote, user, type BallotChannel } from './schema-core';

export const pollReplacedBallot = sqliteTable(
	'poll_replaced_ballot',
	{
		pollId: integer('poll_id')
			.notNull()
			.references(() => poll.id),
		ballotId: text('ballot_id').notNull(),
		/** The vote (unit) it was cast in; that row now holds the ballot that replaced it. */
		voteId: integer('vote_id')
			.notNull()
			.references(() => pollVote.id),
		receipt: text('receipt').notNull(),
		choices: text('choices', { mode: 'json' }).notNull().$type<string[]>(),
		channel: text('channel').notNull().$type<BallotChannel>(),
		recordedByUserId: integer('recorded_by_user_id').references(() => user.id),
		replacedByChannel: text('replaced_by_channel').notNull().$type<BallotChannel>(),
		replacedAt: integer('replaced_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [
		primaryKey({ columns: [t.pollId, t.ballotId] }),
		uniqueIndex('poll_replaced_ballot_receipt_uq').on(t.pollId, t.receipt)
	]
);
