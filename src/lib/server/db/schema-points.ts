/**
 * Participation points (积分): "基础分 + 贡献分 − 负面清单". The rules are data, per community; every
 * change of a balance is a row of the append-only ledger (the migration adds triggers that refuse
 * UPDATE and DELETE), and balances are sums over it. An entry copies the amount it was given, so
 * editing a rule never rewrites the past.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { community, resident, user } from './schema-core';

/**
 * What a rule is: the yearly base (基础分); points the app itself awards when a resident takes part
 * (参与); volunteer work staff record (志愿服务); a deduction of the negative list (负面清单).
 */
export const POINT_RULE_KINDS = ['base', 'participation', 'volunteer', 'negative'] as const;
export type PointRuleKind = (typeof POINT_RULE_KINDS)[number];

/** The participation rules the domain events award; their codes are fixed (the code is the reason). */
export const PARTICIPATION_CODES = [
	'attend',
	'vote',
	'proposalSeconded',
	'proposalResolved',
	'rate'
] as const;
export type ParticipationCode = (typeof PARTICIPATION_CODES)[number];

export const pointRule = sqliteTable(
	'point_rule',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		kind: text('kind', { enum: POINT_RULE_KINDS }).notNull(),
		/** `base`, a participation code, or a code made when staff add a volunteer or negative item. */
		code: text('code').notNull(),
		/** The name shown for volunteer and negative items (participation names come from messages). */
		label: text('label'),
		/** Always positive: a negative item deducts this many points. */
		amount: integer('amount').notNull(),
		/** Most a resident can earn by this rule in one China-time calendar year; null = no cap. */
		yearlyCap: integer('yearly_cap'),
		/** For proposalSeconded: how many seconds (附议) a proposal needs before its proposer earns. */
		threshold: integer('threshold'),
		active: integer('active', { mode: 'boolean' }).notNull().default(true),
		updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
			.notNull()
			.default(sql`(unixepoch('subsec') * 1000)`)
	},
	(t) => [uniqueIndex('point_rule_code_uq').on(t.communityId, t.code)]
);

/**
 * Where an entry came from. A ballot's entry names the poll, never the ballot, so a secret vote's
 * entry says only that the resident took part.
 */
export const POINT_SOURCE_TYPES = [
	'year',
	'meeting',
	'poll',
	'proposal',
	'followUp',
	'staff',
	'reversal'
] as const;
export type PointSourceType = (typeof POINT_SOURCE_TYPES)[number];

export const pointEntry = sqliteTable(
	'point_entry',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		residentId: integer('resident_id')
			.notNull()
			.references(() => resident.id),
		/** Signed: positive earns, negative deducts or redeems. */
		amount: integer('amount').notNull(),
		/** A rule's code, or `redeem`. A reversal carries the reason of the entry it reverses. */
		reason: text('reason').notNull(),
		ruleId: integer('rule_id').references(() => pointRule.id),
		sourceType: text('source_type', { enum: POINT_SOURCE_TYPES }).notNull(),
		/** The meeting, poll, proposal or follow-up; the year for base points; the reversed entry. */
		sourceId: integer('source_id'),
		/** China-time calendar year the entry counts in (for the yearly caps and standings). */
		year: integer('year').notNull(),
		/** Goods redeemed, what the volunteer did, what happened, why it was corrected. */
		note: text('note'),
		/**
		 * The key of the staff form that wrote it (made when the form was shown), so a double-clicked
		 * or resent form books once. Null for entries written by domain events.
		 */
		requestKey: text('request_key'),
		/** Null when the app wrote it for a domain event. */
		recordedByUserId: integer('recorded_by_user_id').references(() => user.id),
		createdAt: integer('created_at', { mode: 'timestamp_ms' })
			.notNull()
			.default(sql`(unixepoch('subsec') * 1000)`)
	},
	(t) => [
		// Exactly once per event: a retried ballot or a second check-in conflicts here and pays nothing;
		// a reversal's source is the entry it reverses, so nothing is reversed twice. Staff entries have
		// no source id (NULLs never conflict).
		uniqueIndex('point_entry_once_uq').on(t.residentId, t.reason, t.sourceType, t.sourceId),
		uniqueIndex('point_entry_request_uq').on(t.requestKey),
		index('point_entry_resident_idx').on(t.residentId, t.year),
		index('point_entry_community_idx').on(t.communityId, t.year)
	]
);
