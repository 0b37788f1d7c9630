/**
 * The proposal page's read model: the proposal with the names it refers to, and for those who may
 * manage it, where it can be merged or put on an agenda.
 */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../db';
import { can, type Actor } from '../authz';
import { building, estate, meeting, proposal, user } from '../db/schema';
import { listedOnAgenda } from './agenda';
import { meetingScope } from './meetings';
import type { DocumentStore } from './ports';
import { proposalDetail } from './proposals';

export function proposalPage(db: Db, docs: DocumentStore, actor: Actor | null, id: number) {
	const detail = proposalDetail(db, actor, id);
	const p = detail.proposal;
	const filer = detail.onBehalf
		? db.select({ name: user.displayName }).from(user).where(eq(user.id, p.filedByUserId)).get()
		: undefined;
	const about = p.buildingId
		? db.select({ name: building.name }).from(building).where(eq(building.id, p.buildingId)).get()?.name
		: p.estateId
			? db.select({ name: estate.name }).from(estate).where(eq(estate.id, p.estateId)).get()?.name
			: undefined;
	const mergedInto = p.mergedIntoId
		? db
				.select({ id: proposal.id, title: proposal.title })
				.from(proposal)
				.where(eq(proposal.id, p.mergedIntoId))
				.get()
		: undefined;
	const listedAt = listedOnAgenda(docs, p);
	const onAgenda =
		listedAt === null
			? null
			: (db
					.select({ id: meeting.id, title: meeting.title })
					.from(meeting)
					.where(eq(meeting.id, listedAt))
					.get() ?? null);
	let manage = null;
	if (detail.mayManage) {
		const mergeTargets = db
			.select({ id: proposal.id, title: proposal.title })
			.from(proposal)
			.where(
				and(
					eq(proposal.communityId, p.communityId),
					inArray(proposal.status, ['open', 'onAgenda']),
					ne(proposal.id, p.id)
				)
			)
			.orderBy(desc(proposal.id))
			.limit(200)
			.all();
		const meetings = db
			.select()
			.from(meeting)
			.where(and(eq(meeting.communityId, p.communityId), inArray(meeting.status, ['draft', 'live'])))
			.orderBy(meeting.startsAt)
			.all()
			.filter((m) => can(actor, 'meeting.manage', meetingScope(db, m)))
			.map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt.getTime(), status: m.status }));
		manage = { mergeTargets, meetings };
	}
	return {
		proposal: {
			id: p.id,
			title: p.title,
			description: p.description,
			category: p.category,
			status: p.status,
			secondCount: p.secondCount,
			declineReason: p.declineReason,
			createdAt: p.createdAt.getTime(),
			isEstate: !p.buildingId
		},
		about: about ?? null,
		proposer: detail.proposer?.name ?? '',
		filer: filer?.name ?? null,
		mergedInto: mergedInto ?? null,
		/** The meeting whose agenda lists it: then it is not offered for an agenda again. */
		onAgenda,
		seconded: detail.seconded,
		maySecond: detail.maySecond,
		manage
	};
}
