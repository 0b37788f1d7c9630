/**
 * The roster, accounts and sessions, meetings and polls. Names follow the domain words in docs/features.md.
 * Times are stored as integer milliseconds since the epoch (UTC).
 */
import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text, blob, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type { PublicRules } from '$lib/realtime/poll';

const createdAt = () =>
	integer('created_at', { mode: 'timestamp_ms' })
		.notNull()
		.default(sql`(unixepoch('subsec') * 1000)`);

export const community = sqliteTable('community', {
	id: integer('id').primaryKey(),
	name: text('name').notNull().unique(),
	createdAt: createdAt()
});

export const estate = sqliteTable(
	'estate',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		name: text('name').notNull(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('estate_name_uq').on(t.communityId, t.name)]
);

/** A governance grid (网格); a micro-grid has a parent grid. */
export const grid = sqliteTable(
	'grid',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		parentGridId: integer('parent_grid_id'),
		name: text('name').notNull(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('grid_name_uq').on(t.communityId, t.name)]
);

/** A building (楼栋) or, in villages, a cluster of houses. */
export const building = sqliteTable(
	'building',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		estateId: integer('estate_id').references(() => estate.id),
		gridId: integer('grid_id').references(() => grid.id),
		name: text('name').notNull(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('building_name_uq').on(t.communityId, t.estateId, t.name)]
);

/** A household group (联户, 五户联治): about five households with a head. */
export const householdGroup = sqliteTable(
	'household_group',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		name: text('name').notNull(),
		headResidentId: integer('head_resident_id'),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('household_group_name_uq').on(t.communityId, t.name)]
);

/**
 * A household (户), the usual voting unit; `unit` is the door label, e.g. "2单元301". The owners' roll
 * (业主大会, 民法典 Art 278) lives here too: the unit's private floor area from the register, and who
 * owns it, so that one owner of several units counts once (SPC interpretation Art 9).
 */
export const household = sqliteTable(
	'household',
	{
		id: integer('id').primaryKey(),
		buildingId: integer('building_id')
			.notNull()
			.references(() => building.id),
		unit: text('unit').notNull(),
		householdGroupId: integer('household_group_id').references(() => householdGroup.id),
		/** 专有部分面积 in hundredths of a square metre (exact sums; 89.35 m² is 8935). */
		floorArea: integer('floor_area'),
		/** The register's owner identifier: units with the same key belong to one owner. */
		ownerKey: text('owner_key'),
		/** Unsold or undelivered by the developer: all such units together count as one owner. */
		unsold: integer('unsold', { mode: 'boolean' }).notNull().default(false),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('household_unit_uq').on(t.buildingId, t.unit)]
);

export const resident = sqliteTable(
	'resident',
	{
		id: integer('id').primaryKey(),
		householdId: integer('household_id')
			.notNull()
			.references(() => household.id),
		name: text('name').notNull(),
		phone: text('phone'),
		birthYear: integer('birth_year'),
		/** An explicit adult flag that wins over the birth year (for rosters without birth years). */
		adult: integer('adult', { mode: 'boolean' }),
		/** 户代表: votes for the household where the base is households' representatives. */
		householdRepresentative: integer('household_representative', { mode: 'boolean' })
			.notNull()
			.default(false),
		/** 村民代表: on the roll of the 村民代表会议. */
		villagerRepresentative: integer('villager_representative', { mode: 'boolean' }).notNull().default(false),
		createdAt: createdAt()
	},
	(t) => [index('resident_household_idx').on(t.householdId)]
);

/** A government department (职能部门) the community can dispatch to, e.g. the traffic police. */
export const department = sqliteTable(
	'department',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		name: text('name').notNull(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('department_name_uq').on(t.communityId, t.name)]
);

/**
 * A login. Staff have a username and password; a resident's account is tied to the resident
 * and logs in through an invitation. One account per resident.
 */
export const user = sqliteTable('user', {
	id: integer('id').primaryKey(),
	communityId: integer('community_id')
		.notNull()
		.references(() => community.id),
	username: text('username').unique(),
	passwordHash: text('password_hash'),
	displayName: text('display_name').notNull(),
	residentId: integer('resident_id')
		.unique()
		.references(() => resident.id),
	locale: text('locale'),
	/** 长辈版 chosen on one of the account's devices (a device's own choice wins, see hooks.server.ts). */
	elderMode: integer('elder_mode', { mode: 'boolean' }),
	disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
	createdAt: createdAt()
});

export const ROLES = [
	'admin',
	'facilitator',
	'committee',
	'buildingHead',
	'infoOfficer',
	'groupHead',
	'departmentLiaison'
] as const;
export type StaffRole = (typeof ROLES)[number];

export const SCOPE_TYPES = [
	'community',
	'estate',
	'grid',
	'building',
	'householdGroup',
	'department'
] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

/** A role held within a scope: 楼栋长 of building 3, liaison of department 2, admin of the community. */
export const roleAssignment = sqliteTable(
	'role_assignment',
	{
		id: integer('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ROLES }).notNull(),
		scopeType: text('scope_type', { enum: SCOPE_TYPES }).notNull(),
		scopeId: integer('scope_id').notNull(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('role_assignment_uq').on(t.userId, t.role, t.scopeType, t.scopeId)]
);

/**
 * Only the SHA-256 of the session token is stored (`id`), as in Lucia's guide. A session made from an
 * invitation remembers it, so revoking a lost card also logs out the phones that used it.
 */
export const session = sqliteTable(
	'session',
	{
		id: text('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		invitationId: integer('invitation_id'),
		expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('session_user_idx').on(t.userId), index('session_invitation_idx').on(t.invitationId)]
);

/**
 * A personal invitation for a resident: a link (single use) or a printed QR card (reusable until
 * revoked or expired). Only the SHA-256 of the token is stored.
 */
export const invitation = sqliteTable(
	'invitation',
	{
		id: integer('id').primaryKey(),
		tokenHash: text('token_hash').notNull().unique(),
		residentId: integer('resident_id')
			.notNull()
			.references(() => resident.id),
		kind: text('kind', { enum: ['link', 'card'] }).notNull(),
		expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
		usedAt: integer('used_at', { mode: 'timestamp_ms' }),
		revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
		createdByUserId: integer('created_by_user_id').references(() => user.id),
		createdAt: createdAt()
	},
	(t) => [index('invitation_resident_idx').on(t.residentId)]
);

/** Yjs documents: a snapshot plus an append log of updates since it (see src/lib/server/yjs). */
export const yjsSnapshot = sqliteTable('yjs_snapshot', {
	docName: text('doc_name').primaryKey(),
	state: blob('state', { mode: 'buffer' }).notNull(),
	updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
});

export const yjsUpdate = sqliteTable(
	'yjs_update',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		docName: text('doc_name').notNull(),
		update: blob('update', { mode: 'buffer' }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('yjs_update_doc_idx').on(t.docName, t.id)]
);

export const PROPOSAL_CATEGORIES = [
	'parking',
	'sanitation',
	'safety',
	'facilities',
	'neighbours',
	'other'
] as const;
export const PROPOSAL_STATUSES = ['open', 'onAgenda', 'resolved', 'declined', 'merged'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * A proposal (提议/诉求) raised by a resident, about a building or the whole estate. When an information
 * officer or group head files it for a resident without a phone, `filedByUserId` is theirs.
 */
export const proposal = sqliteTable(
	'proposal',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		estateId: integer('estate_id').references(() => estate.id),
		buildingId: integer('building_id').references(() => building.id),
		title: text('title').notNull(),
		description: text('description').notNull(),
		category: text('category', { enum: PROPOSAL_CATEGORIES }).notNull(),
		status: text('status', { enum: PROPOSAL_STATUSES }).notNull().default('open'),
		proposerResidentId: integer('proposer_resident_id')
			.notNull()
			.references(() => resident.id),
		filedByUserId: integer('filed_by_user_id')
			.notNull()
			.references(() => user.id),
		declineReason: text('decline_reason'),
		mergedIntoId: integer('merged_into_id'),
		/** The meeting whose agenda it is on, while its status is onAgenda. */
		agendaMeetingId: integer('agenda_meeting_id'),
		secondCount: integer('second_count').notNull().default(0),
		createdAt: createdAt(),
		updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
	},
	(t) => [index('proposal_community_status_idx').on(t.communityId, t.status)]
);

/** A second (附议): one per resident per proposal. */
export const proposalSecond = sqliteTable(
	'proposal_second',
	{
		proposalId: integer('proposal_id')
			.notNull()
			.references(() => proposal.id),
		residentId: integer('resident_id')
			.notNull()
			.references(() => resident.id),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('proposal_second_uq').on(t.proposalId, t.residentId)]
);

export const MEETING_SCOPES = ['building', 'estate', 'grid', 'community'] as const;
/** The body a meeting is held as (楼栋议事会, 村民会议, 业主大会 …); its legal rules are in domain/bodies.ts. */
export const BODIES = [
	'buildingCouncil',
	'villagerAssembly',
	'villagerRepresentatives',
	'villagerGroup',
	'residentAssembly',
	'ownersAssembly',
	'villageElection'
] as const;
export type Body = (typeof BODIES)[number];
export const VOTING_UNITS = ['household', 'resident'] as const;
export type VotingUnit = (typeof VOTING_UNITS)[number];

/**
 * A council session (议事会). The agenda itself is the Yjs document `meeting:<id>:agenda`; the row keeps
 * what the server decides: state, current item and the item timer (the server's clock is the authority).
 */
export const meeting = sqliteTable('meeting', {
	id: integer('id').primaryKey(),
	communityId: integer('community_id')
		.notNull()
		.references(() => community.id),
	title: text('title').notNull(),
	scopeType: text('scope_type', { enum: MEETING_SCOPES }).notNull(),
	scopeId: integer('scope_id').notNull(),
	startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
	place: text('place').notNull(),
	votingUnit: text('voting_unit', { enum: VOTING_UNITS }).notNull(),
	/** The body it is held as (see domain/bodies.ts): sets the legal notice period. */
	body: text('body', { enum: BODIES }).notNull().default('buildingCouncil'),
	status: text('status', { enum: ['draft', 'live', 'closed'] })
		.notNull()
		.default('draft'),
	/** The projector page needs no login when the meeting is public. */
	isPublic: integer('is_public', { mode: 'boolean' }).notNull().default(true),
	/** Short code for the join link and QR code (`/j/<code>`). */
	joinCode: text('join_code').notNull().unique(),
	/**
	 * Check-in needs the code on the projector, which changes every 45 s (domain/check-in-code.ts)
	 * instead of the fixed join code; set from the body at creation, changed by the facilitator.
	 */
	rotatingCheckIn: integer('rotating_check_in', { mode: 'boolean' }).notNull().default(false),
	/** The HMAC key the rotating check-in codes are derived from (hex); never leaves the server. */
	checkInSecret: text('check_in_secret')
		.notNull()
		.$defaultFn(() => Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString('hex')),
	currentItemId: text('current_item_id'),
	timerItemId: text('timer_item_id'),
	timerStartedAt: integer('timer_started_at', { mode: 'timestamp_ms' }),
	timerElapsedMs: integer('timer_elapsed_ms').notNull().default(0),
	/** 发言限时: seconds each speaker gets (null: no limit); the countdown runs on the server's clock. */
	speechLimitSeconds: integer('speech_limit_seconds'),
	createdByUserId: integer('created_by_user_id')
		.notNull()
		.references(() => user.id),
	openedAt: integer('opened_at', { mode: 'timestamp_ms' }),
	closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
	createdAt: createdAt()
});

/** 签到: one row per resident per meeting; marking absent keeps the row with present = false. */
export const attendance = sqliteTable(
	'attendance',
	{
		id: integer('id').primaryKey(),
		meetingId: integer('meeting_id')
			.notNull()
			.references(() => meeting.id),
		residentId: integer('resident_id')
			.notNull()
			.references(() => resident.id),
		householdId: integer('household_id')
			.notNull()
			.references(() => household.id),
		present: integer('present', { mode: 'boolean' }).notNull(),
		channel: text('channel', { enum: ['phone', 'marked'] }).notNull(),
		markedByUserId: integer('marked_by_user_id').references(() => user.id),
		updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [uniqueIndex('attendance_uq').on(t.meetingId, t.residentId)]
);

/** 举手: a hand raised to speak, in order; a turn at the lectern keeps its start, end and limit. */
export const speakerRequest = sqliteTable(
	'speaker_request',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		meetingId: integer('meeting_id')
			.notNull()
			.references(() => meeting.id),
		residentId: integer('resident_id')
			.notNull()
			.references(() => resident.id),
		status: text('status', { enum: ['waiting', 'speaking', 'done', 'withdrawn'] }).notNull(),
		raisedAt: integer('raised_at', { mode: 'timestamp_ms' }).notNull(),
		/** When the floor was given and taken back (the minutes record how long each spoke). */
		startedAt: integer('started_at', { mode: 'timestamp_ms' }),
		endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
		/** The meeting's speaking limit for this turn, as it stood when the turn ended (or now). */
		limitSeconds: integer('limit_seconds'),
		updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [index('speaker_request_meeting_idx').on(t.meetingId, t.status)]
);

export const POLL_TYPES = ['yesNoAbstain', 'single', 'multi'] as const;
export const BALLOT_CHANNELS = ['phone', 'form', 'hand', 'assisted', 'proxy'] as const;
export type BallotChannel = (typeof BALLOT_CHANNELS)[number];

/**
 * A poll (表决) on an agenda item. `rules` and `options` are frozen JSON once it opens (see
 * domain/tally.ts for their shape); `closesAt` is the server-side timer, kept across restarts.
 */
export const poll = sqliteTable(
	'poll',
	{
		id: integer('id').primaryKey(),
		meetingId: integer('meeting_id')
			.notNull()
			.references(() => meeting.id),
		agendaItemId: text('agenda_item_id'),
		proposalId: integer('proposal_id').references(() => proposal.id),
		question: text('question').notNull(),
		type: text('type', { enum: POLL_TYPES }).notNull(),
		options: text('options', { mode: 'json' }).notNull().$type<Array<{ id: string; label: string }>>(),
		maxChoices: integer('max_choices').notNull().default(1),
		rules: text('rules', { mode: 'json' }).notNull().$type<PublicRules>(),
		status: text('status', { enum: ['open', 'closed'] }).notNull(),
		openedAt: integer('opened_at', { mode: 'timestamp_ms' }).notNull(),
		closesAt: integer('closes_at', { mode: 'timestamp_ms' }),
		closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
		openedByUserId: integer('opened_by_user_id')
			.notNull()
			.references(() => user.id)
	},
	(t) => [index('poll_meeting_idx').on(t.meetingId), index('poll_open_idx').on(t.status, t.closesAt)]
);

/**
 * Who voted (one row per voting unit), by which channel. For a named poll the choice and receipt are
 * here too; for a secret poll they are only in `pollChoice` while the poll is open and in the
 * resolution after, and this row keeps only hashes keyed by the phone's ballot id
 * (domain/secret-ballots.ts), so neither a query nor a copy of the file joins a voter to a choice.
 */
export const pollVote = sqliteTable(
	'poll_vote',
	{
		id: integer('id').primaryKey(),
		pollId: integer('poll_id')
			.notNull()
			.references(() => poll.id),
		/** `household:<id>` or `resident:<id>`, by the poll's voting unit. */
		unitKey: text('unit_key').notNull(),
		voterResidentId: integer('voter_resident_id')
			.notNull()
			.references(() => resident.id),
		channel: text('channel', { enum: BALLOT_CHANNELS }).notNull(),
		/** Generated by the phone and kept until acknowledged: a retry with it is the same ballot. A secret poll stores its SHA-256 only. */
		ballotId: text('ballot_id').notNull(),
		choices: text('choices', { mode: 'json' }).$type<string[]>(),
		receipt: text('receipt'),
		/** Secret polls: SHA-256 of (poll, ballot id, receipt), so a retry proves its receipt without the file linking them. */
		receiptCheck: text('receipt_check'),
		recordedByUserId: integer('recorded_by_user_id').references(() => user.id),
		consentNote: text('consent_note'),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [
		uniqueIndex('poll_vote_unit_uq').on(t.pollId, t.unitKey),
		uniqueIndex('poll_vote_ballot_uq').on(t.pollId, t.ballotId),
		// Published receipts must be unambiguous (NULL for secret polls, which keep them in poll_choice).
		uniqueIndex('poll_vote_receipt_uq').on(t.pollId, t.receipt)
	]
);

/**
 * The ballot box of an open secret poll: choices keyed by the voter's receipt, in a WITHOUT ROWID
 * table. Each group commit writes its ballots' choices in a random order after the votes; at close
 * they go into the resolution (sorted by receipt) and these rows are deleted with secure_delete.
 */
export const pollChoice = sqliteTable(
	'poll_choice',
	{
		pollId: integer('poll_id').notNull(),
		receipt: text('receipt').notNull(),
		choices: text('choices', { mode: 'json' }).notNull().$type<string[]>()
	},
	(t) => [primaryKey({ columns: [t.pollId, t.receipt] })]
);

/** Hand counts (举手) per option; every entry and correction is kept in `handCountEntry`. */
export const handCount = sqliteTable(
	'hand_count',
	{
		pollId: integer('poll_id')
			.notNull()
			.references(() => poll.id),
		optionId: text('option_id').notNull(),
		count: integer('count').notNull()
	},
	(t) => [primaryKey({ columns: [t.pollId, t.optionId] })]
);

export const handCountEntry = sqliteTable('hand_count_entry', {
	id: integer('id').primaryKey(),
	pollId: integer('poll_id')
		.notNull()
		.references(() => poll.id),
	counts: text('counts', { mode: 'json' }).notNull().$type<Record<string, number>>(),
	enteredByUserId: integer('entered_by_user_id')
		.notNull()
		.references(() => user.id),
	createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
});

/** 委托: a resident lets another vote for them in one meeting; revocable until a poll opens. */
export const proxy = sqliteTable(
	'proxy',
	{
		id: integer('id').primaryKey(),
		meetingId: integer('meeting_id')
			.notNull()
			.references(() => meeting.id),
		grantorResidentId: integer('grantor_resident_id')
			.notNull()
			.references(() => resident.id),
		proxyResidentId: integer('proxy_resident_id')
			.notNull()
			.references(() => resident.id),
		/** 村民委员会选举: the close relative (近亲属) the written proxy names, as the staff who received it recorded. */
		relation: text('relation'),
		recordedByUserId: integer('recorded_by_user_id').references(() => user.id),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
		revokedAt: integer('revoked_at', { mode: 'timestamp_ms' })
	},
	(t) => [index('proxy_meeting_idx').on(t.meetingId, t.grantorResidentId)]
);

/**
 * A resolution (决议): the frozen outcome of a poll, hash-chained to the community's previous one so
 * the public notice board can show it was not altered.
 */
export const resolution = sqliteTable(
	'resolution',
	{
		id: integer('id').primaryKey(),
		communityId: integer('community_id')
			.notNull()
			.references(() => community.id),
		pollId: integer('poll_id')
			.notNull()
			.unique()
			.references(() => poll.id),
		seq: integer('seq').notNull(),
		content: text('content', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
		/** `withdrawn`: taken back before its first ballot; in the chain, deciding nothing. */
		outcome: text('outcome', { enum: ['passed', 'notPassed', 'noQuorum', 'withdrawn'] }).notNull(),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull().unique(),
		decidedAt: integer('decided_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [uniqueIndex('resolution_seq_uq').on(t.communityId, t.seq)]
);

/**
 * Every ballot id a vote was ever cast under (a changed ballot keeps its old ids here), so a late
 * retry of an old id is recognised and never writes its stale choice back.
 */
export const pollBallotAlias = sqliteTable(
	'poll_ballot_alias',
	{
		pollId: integer('poll_id').notNull(),
		ballotId: text('ballot_id').notNull(),
		voteId: integer('vote_id')
			.notNull()
			.references(() => pollVote.id)
	},
	(t) => [primaryKey({ columns: [t.pollId, t.ballotId] })]
);
