/**
 * The rows the dashboard counts, read once per request and tied to a building where they have one.
 * Only reads: follow-ups, ratings and dispatches are written by their own domain code.
 *
 * A row belongs to a building through the proposal it answers (the proposal's building) or, failing
 * that, through a meeting held for that building. Estate- and community-wide rows belong to no building
 * and show only on the community's dashboard.
 */
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Db } from '../db';
import {
	dispatch,
	followUp,
	followUpUpdate,
	meeting,
	poll,
	proposal,
	rating,
	resolution,
	type FollowUpStatus
} from '../db/schema';
import type { RatingGrade } from '$lib/followup';

export type ProposalRow = {
	id: number;
	buildingId: number | null;
	createdAt: number;
	/** When it was resolved: its first resolution that reached quorum, else when its status changed. */
	resolvedAt: number | null;
};
export type FollowUpRow = {
	id: number;
	buildingId: number | null;
	departmentId: number | null;
	dueOn: string | null;
	createdAt: number;
	closedAt: number | null;
	status: FollowUpStatus;
	/** Status changes in time order, from the progress reports (the timeline). */
	timeline: Array<{ at: number; status: FollowUpStatus }>;
	/** When the proposal behind its resolution was raised, if there was one. */
	proposedAt: number | null;
};
export type DispatchRow = {
	departmentId: number;
	buildingId: number | null;
	createdAt: number;
	deadline: number;
	handledAt: number | null;
	handled: boolean;
};
export type RatingRow = { buildingId: number | null; grade: RatingGrade; at: number };

const ms = (d: Date | null) => (d ? d.getTime() : null);

/** Everything the dashboard counts for a community; ratings only from `since` on (older ones are never shown). */
export function loadDashboardRows(db: Db, communityId: number, since: number) {
	const proposals = db.select().from(proposal).where(eq(proposal.communityId, communityId)).all();
	const proposalById = new Map(proposals.map((p) => [p.id, p]));

	const resolutions = db
		.select({
			id: resolution.id,
			outcome: resolution.outcome,
			decidedAt: resolution.decidedAt,
			proposalId: poll.proposalId,
			scopeType: meeting.scopeType,
			scopeId: meeting.scopeId
		})
		.from(resolution)
		.innerJoin(poll, eq(resolution.pollId, poll.id))
		.innerJoin(meeting, eq(poll.meetingId, meeting.id))
		.where(eq(resolution.communityId, communityId))
		.all();
	const resolutionPlace = new Map<number, { buildingId: number | null; proposalId: number | null }>();
	const firstDecision = new Map<number, number>();
	for (const r of resolutions) {
		const fromProposal = r.proposalId === null ? null : (proposalById.get(r.proposalId)?.buildingId ?? null);
		const fromMeeting = r.scopeType === 'building' ? r.scopeId : null;
		resolutionPlace.set(r.id, { buildingId: fromProposal ?? fromMeeting, proposalId: r.proposalId });
		// A vote without quorum, or withdrawn, leaves the proposal on the agenda: it did not resolve it.
		if (r.proposalId && r.outcome !== 'noQuorum' && r.outcome !== 'withdrawn') {
			const at = r.decidedAt.getTime();
			firstDecision.set(r.proposalId, Math.min(at, firstDecision.get(r.proposalId) ?? at));
		}
	}
	const placeOf = (resolutionId: number | null) =>
		resolutionId === null ? null : (resolutionPlace.get(resolutionId)?.buildingId ?? null);
	const proposalPlace = (proposalId: number | null) =>
		proposalId === null ? null : (proposalById.get(proposalId)?.buildingId ?? null);

	const proposalRows: ProposalRow[] = proposals.map((p) => ({
		id: p.id,
		buildingId: p.buildingId,
		createdAt: p.createdAt.getTime(),
		resolvedAt:
			p.status === 'resolved' ? (firstDecision.get(p.id) ?? ms(p.updatedAt) ?? p.createdAt.getTime()) : null
	}));

	const updates = db
		.select({
			followUpId: followUpUpdate.followUpId,
			status: followUpUpdate.status,
			at: followUpUpdate.createdAt
		})
		.from(followUpUpdate)
		.innerJoin(followUp, eq(followUpUpdate.followUpId, followUp.id))
		.where(eq(followUp.communityId, communityId))
		.orderBy(asc(followUpUpdate.createdAt), asc(followUpUpdate.id))
		.all();
	const timelines = new Map<number, FollowUpRow['timeline']>();
	for (const u of updates) {
		const list = timelines.get(u.followUpId) ?? [];
		list.push({ at: u.at.getTime(), status: u.status });
		timelines.set(u.followUpId, list);
	}
	const followUps: FollowUpRow[] = db
		.select()
		.from(followUp)
		.where(eq(followUp.communityId, communityId))
		.all()
		.map((f) => {
			const proposalId = resolutionPlace.get(f.resolutionId)?.proposalId ?? null;
			return {
				id: f.id,
				buildingId: placeOf(f.resolutionId),
				departmentId: f.ownerDepartmentId,
				dueOn: f.dueOn,
				createdAt: f.createdAt.getTime(),
				closedAt: ms(f.closedAt),
				status: f.status,
				timeline: timelines.get(f.id) ?? [],
				proposedAt: proposalId ? (proposalById.get(proposalId)?.createdAt.getTime() ?? null) : null
			};
		});
	const followUpPlace = new Map(followUps.map((f) => [f.id, f.buildingId]));

	const dispatches: DispatchRow[] = db
		.select()
		.from(dispatch)
		.where(eq(dispatch.communityId, communityId))
		.all()
		.map((d) => ({
			departmentId: d.departmentId,
			buildingId: proposalPlace(d.proposalId) ?? placeOf(d.resolutionId),
			createdAt: d.createdAt.getTime(),
			deadline: d.deadline.getTime(),
			handledAt: ms(d.handledAt),
			handled: d.status === 'handled'
		}));

	const ratings: RatingRow[] = db
		.select({ followUpId: rating.followUpId, grade: rating.grade, at: rating.createdAt })
		.from(rating)
		.innerJoin(followUp, eq(rating.followUpId, followUp.id))
		.where(and(eq(followUp.communityId, communityId), gte(rating.createdAt, new Date(since))))
		.all()
		.map((r) => ({
			buildingId: followUpPlace.get(r.followUpId) ?? null,
			grade: r.grade,
			at: r.at.getTime()
		}));

	return { proposals: proposalRows, followUps, dispatches, ratings };
}
