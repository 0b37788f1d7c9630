/** Loading a follow-up for its page: who may see it, what each person may do with it. */
import { and, eq, inArray } from 'drizzle-orm';
import { shownStatus } from '$lib/followup';
import type { Db } from '$lib/server/db';
import { can, communityScope, type Actor } from '$lib/server/authz';
import { department, resolution, roleAssignment, user } from '$lib/server/db/schema';
import { DomainError } from '$lib/server/domain/errors';
import { eligibleParticipants } from '$lib/server/domain/eligibility';
import { listDispatches } from '$lib/server/domain/dispatches';
import {
	followUpScope,
	followUpUpdates,
	getFollowUp,
	isOwner,
	meetingOfResolution,
	type FollowUp
} from '$lib/server/domain/follow-ups';
import { closeDueRatings, hasRated, ratingComments, ratingCounts } from '$lib/server/domain/ratings';

function ownerLabel(db: Db, f: FollowUp): string | null {
	if (f.ownerUserId !== null)
		return db.select({ n: user.displayName }).from(user).where(eq(user.id, f.ownerUserId)).get()?.n ?? null;
	if (f.ownerDepartmentId !== null)
		return (
			db.select({ n: department.name }).from(department).where(eq(department.id, f.ownerDepartmentId)).get()
				?.n ?? null
		);
	return null;
}

/** Staff accounts of the community: who can be named owner of a follow-up. */
function staffUsers(db: Db, communityId: number) {
	const ids = db
		.select({ id: roleAssignment.userId })
		.from(roleAssignment)
		.all()
		.map((r) => r.id);
	if (ids.length === 0) return [];
	return db
		.select({ id: user.id, name: user.displayName })
		.from(user)
		.where(and(eq(user.communityId, communityId), inArray(user.id, [...new Set(ids)])))
		.all();
}

export function followUpPage(db: Db, actor: Actor | null, id: number, now = Date.now()) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	// A round whose time is up ends on first sight, not only at the next sweep.
	closeDueRatings(db, now);
	const f = getFollowUp(db, id);
	const scope = followUpScope(db, f);
	const owner = isOwner(actor, f);
	const canManage = can(actor, 'followUp.manage', scope);
	if (!owner && !canManage && !can(actor, 'meeting.view', scope)) throw new DomainError('FORBIDDEN');
	const r = db.select().from(resolution).where(eq(resolution.id, f.resolutionId)).get()!;
	const m = meetingOfResolution(db, f.resolutionId);
	const inScope =
		actor.residentId !== null &&
		eligibleParticipants(db, m, new Date(now)).some((p) => p.residentId === actor.residentId);
	const ratingOpen = f.status === 'done' && !!f.ratingClosesAt && f.ratingClosesAt.getTime() > now;
	const canSend = can(actor, 'dispatch.send', communityScope(f.communityId));
	return {
		followUp: {
			id: f.id,
			status: shownStatus(f, now),
			percent: f.percent,
			dueOn: f.dueOn,
			owner: ownerLabel(db, f),
			ownerUserId: f.ownerUserId,
			ownerDepartmentId: f.ownerDepartmentId,
			ratingClosesAt: f.ratingClosesAt?.getTime() ?? null,
			round: f.round
		},
		resolution: {
			id: r.id,
			question: String((r.content as { question?: string }).question ?? ''),
			meetingTitle: m.title
		},
		updates: followUpUpdates(db, f.id).map((u) => ({ ...u, createdAt: u.createdAt.getTime() })),
		counts: f.round > 0 ? ratingCounts(db, f.id, f.round) : null,
		reopenedComments:
			f.status === 'reopened'
				? ratingComments(db, f.id, f.round).map((c) => ({ ...c, createdAt: c.createdAt.getTime() }))
				: [],
		may: {
			manage: canManage,
			report: owner && f.status !== 'done' && f.status !== 'closed',
			rate: inScope && ratingOpen && !hasRated(db, f.id, f.round, actor.residentId!),
			rated: inScope && f.round > 0 && hasRated(db, f.id, f.round, actor.residentId!),
			dispatch: canSend
		},
		choices:
			canManage || canSend
				? {
						users: staffUsers(db, f.communityId),
						departments: db
							.select({ id: department.id, name: department.name })
							.from(department)
							.where(eq(department.communityId, f.communityId))
							.all()
					}
				: null,
		dispatches: canSend
			? listDispatches(db, actor, now)
					.filter((d) => d.resolutionId === f.resolutionId)
					.map((d) => ({
						id: d.id,
						departmentName: d.departmentName,
						status: d.status,
						overdue: d.overdue,
						deadline: d.deadline.getTime()
					}))
			: []
	};
}
