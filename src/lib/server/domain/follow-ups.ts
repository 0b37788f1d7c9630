/**
 * 跟踪: every passed resolution is followed to its end. Staff name an owner (a person or a department)
 * and a due day; the owner reports progress (text, percentage, photos) until done; residents then rate
 * it (评议, ratings.ts), which closes or reopens it. Overdue is computed from the due day (src/lib/followup.ts).
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { FollowUpStatus } from '$lib/followup';
import { RATING_DAYS } from '$lib/followup';
import type { Db, Tx } from '../db';
import { authorize, can, departmentScope, type Actor, type Scope } from '../authz';
import { department, followUp, followUpPhoto, followUpUpdate, poll, resolution, user } from '../db/schema';
import type { StoredPhoto } from '../photos';
import { DomainError } from './errors';
import { getMeeting, meetingScope, type Meeting } from './meetings';

export type FollowUp = typeof followUp.$inferSelect;
const DAY = 24 * 3600_000;

/** The meeting a resolution was taken in (its scope is the follow-up's scope). */
export function meetingOfResolution(db: Db | Tx, resolutionId: number): Meeting {
	const row = db
		.select({ meetingId: poll.meetingId })
		.from(resolution)
		.innerJoin(poll, eq(resolution.pollId, poll.id))
		.where(eq(resolution.id, resolutionId))
		.get();
	if (!row) throw new DomainError('NOT_FOUND', { resolutionId });
	return getMeeting(db as Db, row.meetingId);
}

/** Called as a resolution is written: a passed one gets its follow-up at once. */
export function openFollowUp(tx: Tx, communityId: number, resolutionId: number, now = Date.now()) {
	tx.insert(followUp)
		.values({ communityId, resolutionId, createdAt: new Date(now) })
		.onConflictDoNothing()
		.run();
}

export function getFollowUp(db: Db | Tx, id: number): FollowUp {
	const f = db.select().from(followUp).where(eq(followUp.id, id)).get();
	if (!f) throw new DomainError('NOT_FOUND', { followUpId: id });
	return f;
}

export const followUpOf = (db: Db, resolutionId: number) =>
	db.select().from(followUp).where(eq(followUp.resolutionId, resolutionId)).get() ?? null;

export function followUpScope(db: Db, f: FollowUp): Scope {
	return meetingScope(db, meetingOfResolution(db, f.resolutionId));
}

/** Staff name the owner (a community member or one of its departments) and the due day. */
export function assignFollowUp(
	db: Db,
	actor: Actor | null,
	input: { followUpId: number; ownerUserId: number | null; ownerDepartmentId: number | null; dueOn: string }
) {
	const f = getFollowUp(db, input.followUpId);
	authorize(actor, 'followUp.manage', followUpScope(db, f));
	if ((input.ownerUserId === null) === (input.ownerDepartmentId === null))
		throw new DomainError('INVALID_INPUT', { field: 'owner' });
	if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueOn) || isNaN(Date.parse(input.dueOn)))
		throw new DomainError('INVALID_INPUT', { field: 'dueOn' });
	if (input.ownerUserId !== null) {
		const u = db.select({ c: user.communityId }).from(user).where(eq(user.id, input.ownerUserId)).get();
		if (!u || u.c !== f.communityId) throw new DomainError('NOT_FOUND', { userId: input.ownerUserId });
	} else {
		const d = db
			.select({ id: department.id })
			.from(department)
			.where(and(eq(department.id, input.ownerDepartmentId!), eq(department.communityId, f.communityId)))
			.get();
		if (!d) throw new DomainError('NOT_FOUND', { departmentId: input.ownerDepartmentId });
	}
	if (f.status === 'closed' || f.status === 'done')
		throw new DomainError('FOLLOW_UP_STATE', { status: f.status });
	db.update(followUp)
		.set({ ownerUserId: input.ownerUserId, ownerDepartmentId: input.ownerDepartmentId, dueOn: input.dueOn })
		.where(eq(followUp.id, f.id))
		.run();
}

/** The owner: the named person, or a liaison of the owning department. */
export function isOwner(actor: Actor | null, f: FollowUp): boolean {
	if (!actor) return false;
	if (f.ownerUserId !== null) return actor.userId === f.ownerUserId;
	return (
		f.ownerDepartmentId !== null &&
		can(actor, 'dispatch.handle', departmentScope(f.communityId, f.ownerDepartmentId))
	);
}

/** Who may report, checked before any photo is decoded or stored: the owner, while it is not done. */
export function requireReporter(db: Db, actor: Actor | null, followUpId: number): FollowUp {
	const f = getFollowUp(db, followUpId);
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	if (!isOwner(actor, f)) throw new DomainError('NOT_OWNER');
	if (f.status === 'done' || f.status === 'closed')
		throw new DomainError('FOLLOW_UP_STATE', { status: f.status });
	return f;
}

export type Progress = { followUpId: number; text: string; percent: number; done: boolean };

/**
 * 进展: the owner reports. Marking it done sets 100% and opens a rating round of RATING_DAYS days.
 * Photos are already checked and stored (photos.ts); their rows are written with the report.
 */
export function reportProgress(
	db: Db,
	actor: Actor | null,
	p: Progress,
	photos: StoredPhoto[] = [],
	now = Date.now()
) {
	const f = requireReporter(db, actor, p.followUpId);
	const authorUserId = actor!.userId; // requireReporter refused a missing actor
	const text = p.text.trim();
	if (!text || text.length > 2000) throw new DomainError('INVALID_INPUT', { field: 'text' });
	if (!Number.isInteger(p.percent) || p.percent < 0 || p.percent > 100)
		throw new DomainError('INVALID_INPUT', { field: 'percent' });
	const status: FollowUpStatus = p.done ? 'done' : 'inProgress';
	const percent = p.done ? 100 : p.percent;
	return db.transaction((tx) => {
		const updateId = tx
			.insert(followUpUpdate)
			.values({
				followUpId: f.id,
				authorUserId,
				text,
				percent,
				status,
				createdAt: new Date(now)
			})
			.returning({ id: followUpUpdate.id })
			.get().id;
		if (photos.length)
			tx.insert(followUpPhoto)
				.values(photos.map((ph) => ({ ...ph, updateId, createdAt: new Date(now) })))
				.run();
		tx.update(followUp)
			.set({
				status,
				percent,
				...(p.done ? { round: f.round + 1, ratingClosesAt: new Date(now + RATING_DAYS * DAY) } : {})
			})
			.where(eq(followUp.id, f.id))
			.run();
		return updateId;
	});
}

/** The timeline of reports, oldest first, with their photos' ids. */
export function followUpUpdates(db: Db, followUpId: number) {
	const updates = db
		.select({
			id: followUpUpdate.id,
			text: followUpUpdate.text,
			percent: followUpUpdate.percent,
			status: followUpUpdate.status,
			author: user.displayName,
			createdAt: followUpUpdate.createdAt
		})
		.from(followUpUpdate)
		.innerJoin(user, eq(followUpUpdate.authorUserId, user.id))
		.where(eq(followUpUpdate.followUpId, followUpId))
		.orderBy(asc(followUpUpdate.id))
		.all();
	const photos = db
		.select({
			id: followUpPhoto.id,
			updateId: followUpPhoto.updateId,
			width: followUpPhoto.width,
			height: followUpPhoto.height
		})
		.from(followUpPhoto)
		.innerJoin(followUpUpdate, eq(followUpPhoto.updateId, followUpUpdate.id))
		.where(eq(followUpUpdate.followUpId, followUpId))
		.all();
	return updates.map((u) => ({ ...u, photos: photos.filter((p) => p.updateId === u.id) }));
}

/** A stored photo for someone who may see the follow-up (members of its scope and staff), or FORBIDDEN. */
export function photoFor(db: Db, actor: Actor | null, photoId: number) {
	const row = db
		.select({
			fileName: followUpPhoto.fileName,
			mime: followUpPhoto.mime,
			followUpId: followUpUpdate.followUpId
		})
		.from(followUpPhoto)
		.innerJoin(followUpUpdate, eq(followUpPhoto.updateId, followUpUpdate.id))
		.where(eq(followUpPhoto.id, photoId))
		.get();
	if (!row) throw new DomainError('NOT_FOUND', { photoId });
	const f = getFollowUp(db, row.followUpId);
	if (!can(actor, 'meeting.view', followUpScope(db, f)) && !isOwner(actor, f))
		throw new DomainError('FORBIDDEN');
	return row;
}

/** The community's follow-ups, the most urgent first (for staff and the dashboard). */
export function listFollowUps(db: Db, actor: Actor | null) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	return db
		.select({
			id: followUp.id,
			resolutionId: followUp.resolutionId,
			status: followUp.status,
			percent: followUp.percent,
			dueOn: followUp.dueOn,
			ownerUserId: followUp.ownerUserId,
			ownerDepartmentId: followUp.ownerDepartmentId,
			question: resolution.content
		})
		.from(followUp)
		.innerJoin(resolution, eq(followUp.resolutionId, resolution.id))
		.where(eq(followUp.communityId, actor.communityId))
		.orderBy(desc(followUp.id))
		.all()
		.map((r) => ({ ...r, question: String((r.question as { question?: string }).question ?? '') }));
}
