/**
 * Rows for the notice board and dashboard tests, written straight into the demo database with the
 * times a test needs (the domain functions stamp "now"). Resolutions are chained like real ones, so
 * the chain stays intact unless a test alters it.
 */
import { desc, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import {
	attendance,
	household,
	meeting,
	poll,
	proposal,
	resident,
	resolution,
	user
} from '$lib/server/db/schema';
import { chainHash, GENESIS_HASH } from '$lib/server/domain/hash-chain';
import { DEFAULT_RULES } from '$lib/server/domain/tally';

export const DAY = 86_400_000;

const adminId = (db: Db) => db.select().from(user).where(eq(user.username, 'admin')).get()!.id;
let codes = 0;

/** A held meeting of a building (or the community when `buildingId` is null). */
export function insertMeeting(
	db: Db,
	opts: {
		startsAt: number;
		buildingId?: number | null;
		title?: string;
		votingUnit?: 'household' | 'resident';
	}
): number {
	const building = opts.buildingId === undefined ? 1 : opts.buildingId;
	return db
		.insert(meeting)
		.values({
			communityId: 1,
			title: opts.title ?? '议事会',
			scopeType: building === null ? 'community' : 'building',
			scopeId: building ?? 1,
			startsAt: new Date(opts.startsAt),
			place: '楼下',
			votingUnit: opts.votingUnit ?? 'household',
			status: 'closed',
			joinCode: `test${String(++codes).padStart(4, '0')}`,
			createdByUserId: adminId(db),
			openedAt: new Date(opts.startsAt),
			closedAt: new Date(opts.startsAt + 3600_000)
		})
		.returning({ id: meeting.id })
		.get().id;
}

export function insertProposal(
	db: Db,
	opts: { createdAt: number; buildingId?: number | null; status?: 'open' | 'resolved'; updatedAt?: number }
): number {
	const proposer = db.select().from(resident).limit(1).get()!.id;
	return db
		.insert(proposal)
		.values({
			communityId: 1,
			buildingId: opts.buildingId === undefined ? 1 : opts.buildingId,
			title: '诉求',
			description: '说明',
			category: 'facilities',
			status: opts.status ?? 'open',
			proposerResidentId: proposer,
			filedByUserId: adminId(db),
			createdAt: new Date(opts.createdAt),
			updatedAt: opts.updatedAt === undefined ? null : new Date(opts.updatedAt)
		})
		.returning({ id: proposal.id })
		.get().id;
}

/** A closed poll and its resolution, appended to the community's chain. */
export function insertResolution(
	db: Db,
	opts: {
		meetingId: number;
		decidedAt: number;
		proposalId?: number | null;
		outcome?: 'passed' | 'notPassed' | 'noQuorum';
		question?: string;
	}
): number {
	const outcome = opts.outcome ?? 'passed';
	const pollId = db
		.insert(poll)
		.values({
			meetingId: opts.meetingId,
			proposalId: opts.proposalId ?? null,
			question: opts.question ?? '是否同意？',
			type: 'yesNoAbstain',
			options: [],
			rules: DEFAULT_RULES,
			status: 'closed',
			openedAt: new Date(opts.decidedAt - 600_000),
			closedAt: new Date(opts.decidedAt),
			openedByUserId: adminId(db)
		})
		.returning({ id: poll.id })
		.get().id;
	const last = db.select().from(resolution).orderBy(desc(resolution.seq)).limit(1).get();
	const seq = (last?.seq ?? 0) + 1;
	const prevHash = last?.hash ?? GENESIS_HASH;
	const content = {
		question: opts.question ?? '是否同意？',
		outcome,
		meeting: { id: opts.meetingId, title: '议事会' },
		proposalId: opts.proposalId ?? null,
		decidedAt: opts.decidedAt
	};
	return db
		.insert(resolution)
		.values({
			communityId: 1,
			pollId,
			seq,
			content,
			outcome,
			prevHash,
			hash: chainHash(prevHash, seq, content),
			decidedAt: new Date(opts.decidedAt)
		})
		.returning({ id: resolution.id })
		.get().id;
}

/** Marks everyone of the first `households` households of a building present (several per household count once). */
export function markPresent(db: Db, meetingId: number, buildingId: number, households: number) {
	const rows = db
		.select({ id: resident.id, householdId: resident.householdId })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.where(eq(household.buildingId, buildingId))
		.orderBy(household.id)
		.all();
	const chosen = [...new Set(rows.map((r) => r.householdId))].slice(0, households);
	for (const r of rows)
		db.insert(attendance)
			.values({
				meetingId,
				residentId: r.id,
				householdId: r.householdId,
				present: chosen.includes(r.householdId),
				channel: 'marked',
				updatedAt: new Date()
			})
			.run();
}
