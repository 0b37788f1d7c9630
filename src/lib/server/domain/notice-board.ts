/**
 * The public notice board (公示) of a community, readable without a login: its resolutions with how
 * each is being carried out and how residents rated it, its signed minutes and its published rules,
 * and a check anyone can run that the resolutions' hash chain is intact.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { shownStatus, type RatingGrade } from '$lib/followup';
import type { Db } from '../db';
import { community, followUp, meeting, minutes, rating, resolution } from '../db/schema';
import { DomainError } from './errors';
import { verifyCommunityChain } from './resolutions';
import { listPublications } from './rules-adoption';

/** The board lists this many resolutions, the newest; each one's own page stays reachable by link. */
export const BOARD_LIMIT = 100;

type Content = { question?: string; meeting?: { title?: string }; decidedAt?: number };

function getCommunity(db: Db, communityId: number) {
	const c = db
		.select({ id: community.id, name: community.name })
		.from(community)
		.where(eq(community.id, communityId))
		.get();
	if (!c) throw new DomainError('NOT_FOUND', { communityId });
	return c;
}

/** A community's public face (its name), or NOT_FOUND: for the public pages that take a community id. */
export const publicCommunity = getCommunity;

/** The communities this server holds, for a visitor choosing whose public records to read. */
export function listCommunities(db: Db) {
	return db.select({ id: community.id, name: community.name }).from(community).orderBy(community.id).all();
}

/**
 * The board's contents, newest first. What a resolution says (question, outcome, time) is read from its
 * hashed content, so the board shows exactly what the chain protects. Ratings are those of the current
 * round: after a reopened item is done again, the earlier round's verdict no longer describes it.
 */
export function noticeBoard(db: Db, communityId: number, now = Date.now()) {
	const c = getCommunity(db, communityId);
	const rows = db
		.select({ r: resolution, f: followUp })
		.from(resolution)
		.leftJoin(followUp, eq(followUp.resolutionId, resolution.id))
		.where(eq(resolution.communityId, communityId))
		.orderBy(desc(resolution.seq))
		.limit(BOARD_LIMIT)
		.all();
	const total =
		db
			.select({ n: sql<number>`count(*)` })
			.from(resolution)
			.where(eq(resolution.communityId, communityId))
			.get()?.n ?? 0;
	const grades = db
		.select({ followUpId: rating.followUpId, grade: rating.grade, n: sql<number>`count(*)` })
		.from(rating)
		.innerJoin(followUp, and(eq(rating.followUpId, followUp.id), eq(rating.round, followUp.round)))
		.where(eq(followUp.communityId, communityId))
		.groupBy(rating.followUpId, rating.grade)
		.all();
	const counts = new Map<number, Record<RatingGrade, number>>();
	for (const g of grades) {
		const entry = counts.get(g.followUpId) ?? { satisfied: 0, basic: 0, unsatisfied: 0 };
		entry[g.grade] = g.n;
		counts.set(g.followUpId, entry);
	}
	const resolutions = rows.map(({ r, f }) => {
		const content = r.content as Content & { outcome: typeof r.outcome };
		return {
			id: r.id,
			seq: r.seq,
			question: content.question ?? '',
			meetingTitle: content.meeting?.title ?? '',
			outcome: content.outcome,
			decidedAt: content.decidedAt ?? r.decidedAt.getTime(),
			hash: r.hash,
			followUp: f
				? {
						status: shownStatus(f, now),
						percent: f.percent,
						dueOn: f.dueOn,
						round: f.round,
						ratings: f.round > 0 ? (counts.get(f.id) ?? { satisfied: 0, basic: 0, unsatisfied: 0 }) : null
					}
				: null
		};
	});
	const signed = db
		.select({
			meetingId: minutes.meetingId,
			title: meeting.title,
			startsAt: meeting.startsAt,
			signedAt: minutes.signedAt,
			hash: minutes.hash
		})
		.from(minutes)
		.innerJoin(meeting, eq(minutes.meetingId, meeting.id))
		.where(and(eq(minutes.communityId, communityId), eq(minutes.status, 'signed')))
		.orderBy(desc(minutes.signedAt), desc(minutes.id))
		.all()
		.map((x) => ({ ...x, startsAt: x.startsAt.getTime(), signedAt: x.signedAt?.getTime() ?? null }));
	const rules = listPublications(db, communityId).map((p) => ({
		...p,
		publishedAt: p.publishedAt.getTime()
	}));
	return {
		community: c,
		resolutions,
		total,
		/** The newest hash: a printed board can be compared with it, which shows rows cut off the end. */
		headHash: rows[0]?.r.hash ?? null,
		minutes: signed,
		rules
	};
}

export type NoticeBoard = ReturnType<typeof noticeBoard>;

export type ChainCheck =
	| { intact: true; count: number; checkedAt: number }
	| { intact: false; count: number; checkedAt: number; seq: number; reason: 'hash' | 'link' | 'gap' };

/**
 * Re-checks every resolution of the community from the first: intact, or the first link (by its number)
 * that no longer holds. Anyone may run it; it reads and writes nothing else.
 */
export function checkChain(db: Db, communityId: number, now = Date.now()): ChainCheck {
	getCommunity(db, communityId);
	const broken = verifyCommunityChain(db, communityId);
	const count =
		db
			.select({ n: sql<number>`count(*)` })
			.from(resolution)
			.where(eq(resolution.communityId, communityId))
			.get()?.n ?? 0;
	return broken
		? { intact: false, count, checkedAt: now, ...broken }
		: { intact: true, count, checkedAt: now };
}
