/**
 * After a resolution (评议 · 吹哨派单 · 纪要): the follow-up of each passed resolution with its progress
 * and photos, residents' ratings once it is done, dispatches to departments with their timeline, and
 * meeting minutes with their sign-offs. Overdue is never stored: it is computed from the due date.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { community, department, meeting, proposal, resident, resolution, user } from './schema-core';

const createdAt = () =>
	integer('created_at', { mode: 'timestamp_ms' })
		.notNull()
		.default(sql`(unixepoch('subsec') * 1000)`);
const communityId = () =>
	integer('community_id')
		.notNull()
		.references(() => community.id);

export const FOLLOW_UP_STATUSES = ['notStarted', 'inProgress', 'done', 'reopened', 'closed'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** 跟踪: one per passed resolution; owned by a person or a department. */
export const followUp = sqliteTable(
	'follow_up',
	{
		id: integer('id').primaryKey(),
		communityId: communityId(),
		resolutionId: integer('resolution_id')
			.notNull()
			.unique()
			.references(() => resolution.id),
		ownerUserId: integer('owner_user_id').references(() => user.id),
		ownerDepartmentId: integer('owner_department_id').references(() => department.id),
		/** The day it is due (China date, YYYY-MM-DD), or null while nobody has set one. */
		dueOn: text('due_on'),
		status: text('status', { enum: FOLLOW_UP_STATUSES }).notNull().default('notStarted'),
		percent: integer('percent').notNull().default(0),
		/** Each time it is marked done a new rating round opens; ratings belong to a round. */
		round: integer('round').notNull().default(0),
		ratingClosesAt: integer('rating_closes_at', { mode: 'timestamp_ms' }),
		closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
		createdAt: createdAt()
	},
	(t) => [index('follow_up_community_idx').on(t.communityId, t.status)]
);

/** A progress report: text, the percentage reached, and any photos. */
export const followUpUpdate = sqliteTable('follow_up_update', {
	id: integer('id').primaryKey(),
	followUpId: integer('follow_up_id')
		.notNull()
		.references(() => followUp.id),
	authorUserId: integer('author_user_id')
		.notNull()
		.references(() => user.id),
	text: text('text').notNull(),
	percent: integer('percent').notNull(),
	/** What the status became with this update (for the timeline). */
	status: text('status', { enum: FOLLOW_UP_STATUSES }).notNull(),
	createdAt: createdAt()
});

/** A photo of an update, re-encoded without metadata and kept under the data directory. */
export const followUpPhoto = sqliteTable('follow_up_photo', {
	id: integer('id').primaryKey(),
	updateId: integer('update_id')
		.notNull()
		.references(() => followUpUpdate.id),
	/** Random file name inside the uploads folder (never a name the user chose). */
	fileName: text('file_name').notNull().unique(),
	mime: text('mime', { enum: ['image/jpeg', 'image/png', 'image/webp'] }).notNull(),
	bytes: integer('bytes').notNull(),
	width: integer('width').notNull(),
	height: integer('height').notNull(),
	createdAt: createdAt()
});

export const RATING_GRADES = ['satisfied', 'basic', 'unsatisfied'] as const;
export type RatingGrade = (typeof RATING_GRADES)[number];

/** 评议: one rating per resident in scope per round. */
export const rating = sqliteTable(
	'rating',
	{
		id: integer('id').primaryKey(),
		followUpId: integer('follow_up_id')
			.notNull()
			.references(() => followUp.id),
		round: integer('round').notNull(),
		residentId: integer('resident_id')
			.notNull()
			.references(() => resident.id),
		grade: text('grade', { enum: RATING_GRADES }).notNull(),
		comment: text('comment'),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('rating_once_uq').on(t.followUpId, t.round, t.residentId)]
);

export const DISPATCH_STATUSES = ['sent', 'accepted', 'infoRequested', 'handled'] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];

/** 吹哨派单: a proposal or resolution escalated to a department, with a deadline. */
export const dispatch = sqliteTable(
	'dispatch',
	{
		id: integer('id').primaryKey(),
		communityId: communityId(),
		departmentId: integer('department_id')
			.notNull()
			.references(() => department.id),
		proposalId: integer('proposal_id').references(() => proposal.id),
		resolutionId: integer('resolution_id').references(() => resolution.id),
		message: text('message').notNull(),
		deadline: integer('deadline', { mode: 'timestamp_ms' }).notNull(),
		status: text('status', { enum: DISPATCH_STATUSES }).notNull().default('sent'),
		createdByUserId: integer('created_by_user_id')
			.notNull()
			.references(() => user.id),
		handledAt: integer('handled_at', { mode: 'timestamp_ms' }),
		createdAt: createdAt()
	},
	(t) => [index('dispatch_department_idx').on(t.departmentId, t.status)]
);

export const DISPATCH_EVENTS = ['sent', 'accepted', 'reply', 'infoRequested', 'info', 'handled'] as const;

/** The timeline of a dispatch: every step with who and when. */
export const dispatchEvent = sqliteTable('dispatch_event', {
	id: integer('id').primaryKey(),
	dispatchId: integer('dispatch_id')
		.notNull()
		.references(() => dispatch.id),
	kind: text('kind', { enum: DISPATCH_EVENTS }).notNull(),
	actorUserId: integer('actor_user_id')
		.notNull()
		.references(() => user.id),
	text: text('text'),
	createdAt: createdAt()
});

/** 会议纪要: the facilitator's summary; frozen (content and hash) once signed off. */
export const minutes = sqliteTable('minutes', {
	id: integer('id').primaryKey(),
	communityId: communityId(),
	meetingId: integer('meeting_id')
		.notNull()
		.unique()
		.references(() => meeting.id),
	summary: text('summary').notNull().default(''),
	status: text('status', { enum: ['draft', 'signed'] })
		.notNull()
		.default('draft'),
	/** The generated minutes as signed (null while a draft: drafts are generated fresh). */
	content: text('content', { mode: 'json' }).$type<Record<string, unknown>>(),
	hash: text('hash'),
	signedAt: integer('signed_at', { mode: 'timestamp_ms' }),
	updatedAt: createdAt()
});

/** 确认: the facilitator and two resident representatives sign the minutes off. */
export const minutesSignature = sqliteTable(
	'minutes_signature',
	{
		minutesId: integer('minutes_id')
			.notNull()
			.references(() => minutes.id),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id),
		role: text('role', { enum: ['facilitator', 'resident'] }).notNull(),
		signedAt: integer('signed_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.minutesId, t.userId] })]
);
