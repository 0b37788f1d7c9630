/**
 * Proposals (提议/诉求): filed by a resident (or for one, by an information officer or group head),
 * seconded (附议) once per resident in scope, and moved through their statuses by the council.
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import {
	authorize,
	requireMember,
	buildingScope,
	can,
	communityScope,
	estateScope,
	householdScope,
	type Actor,
	type Scope
} from '../authz';
import {
	building,
	household,
	proposal,
	proposalSecond,
	resident,
	user,
	type ProposalStatus,
	PROPOSAL_CATEGORIES
} from '../db/schema';
import { DomainError } from './errors';
import { awardSeconded } from './points';

export type Proposal = typeof proposal.$inferSelect;
export type ProposalCategory = (typeof PROPOSAL_CATEGORIES)[number];

/** Which status may follow which: open → on an agenda → resolved/declined/merged; open may also be declined or merged. */
const TRANSITIONS: Record<ProposalStatus, readonly ProposalStatus[]> = {
	open: ['onAgenda', 'declined', 'merged'],
	onAgenda: ['resolved', 'declined', 'merged', 'open'],
	resolved: [],
	declined: [],
	merged: []
};

export function canTransition(from: ProposalStatus, to: ProposalStatus): boolean {
	return TRANSITIONS[from].includes(to);
}

export function proposalScope(db: Db, p: Pick<Proposal, 'communityId' | 'estateId' | 'buildingId'>): Scope {
	if (p.buildingId) return buildingScope(db, p.buildingId);
	if (p.estateId) return estateScope(db, p.estateId);
	return communityScope(p.communityId);
}

export function getProposal(db: Db, id: number): Proposal {
	const p = db.select().from(proposal).where(eq(proposal.id, id)).get();
	if (!p) throw new DomainError('NOT_FOUND', { proposalId: id });
	return p;
}

export type ProposalInput = {
	title: string;
	description: string;
	category: ProposalCategory;
	/** What it concerns: a building, or the estate as a whole. */
	about: { type: 'building' | 'estate'; id: number };
	/** Filing for another resident (on behalf): their resident id. */
	forResidentId?: number;
};

/** Files a proposal; on behalf of a named resident when `forResidentId` is given. */
export function fileProposal(db: Db, actor: Actor | null, input: ProposalInput, now = Date.now()): number {
	const about =
		input.about.type === 'building' ? buildingScope(db, input.about.id) : estateScope(db, input.about.id);
	let proposerResidentId: number;
	if (input.forResidentId !== undefined && input.forResidentId !== actor?.residentId) {
		const r = db
			.select({ householdId: resident.householdId })
			.from(resident)
			.where(eq(resident.id, input.forResidentId))
			.get();
		if (!r) throw new DomainError('NOT_FOUND', { residentId: input.forResidentId });
		authorize(actor, 'proposal.fileOnBehalf', householdScope(db, r.householdId));
		proposerResidentId = input.forResidentId;
	} else {
		const a = authorize(actor, 'proposal.file', about);
		if (!a.residentId) throw new DomainError('NOT_ELIGIBLE');
		proposerResidentId = a.residentId;
	}
	if (about.communityId !== actor!.communityId) throw new DomainError('NOT_FOUND');
	return db
		.insert(proposal)
		.values({
			communityId: about.communityId,
			buildingId: about.buildingId ?? null,
			estateId: about.estateId ?? null,
			title: input.title,
			description: input.description,
			category: input.category,
			proposerResidentId,
			filedByUserId: actor!.userId,
			createdAt: new Date(now)
		})
		.returning({ id: proposal.id })
		.get().id;
}

/** 附议: once per resident, only while the proposal is still open or on an agenda. */
export function secondProposal(db: Db, actor: Actor | null, proposalId: number, now = Date.now()): number {
	const p = getProposal(db, proposalId);
	const a = authorize(actor, 'proposal.second', proposalScope(db, p));
	if (!a.residentId) throw new DomainError('NOT_ELIGIBLE');
	if (p.status !== 'open' && p.status !== 'onAgenda')
		throw new DomainError('PROPOSAL_STATE', { status: p.status });
	if (p.proposerResidentId === a.residentId) throw new DomainError('ALREADY_SECONDED');
	return db.transaction((tx) => {
		const inserted = tx
			.insert(proposalSecond)
			.values({ proposalId, residentId: a.residentId!, createdAt: new Date(now) })
			.onConflictDoNothing()
			.returning()
			.all();
		if (inserted.length === 0) throw new DomainError('ALREADY_SECONDED');
		const n = tx
			.update(proposal)
			.set({ secondCount: sql`${proposal.secondCount} + 1` })
			.where(eq(proposal.id, proposalId))
			.returning({ n: proposal.secondCount })
			.get().n;
		awardSeconded(tx, p, n, now);
		return n;
	});
}

function transition(
	db: Db,
	actor: Actor | null,
	proposalId: number,
	to: ProposalStatus,
	extra: Partial<Proposal> = {}
) {
	const p = getProposal(db, proposalId);
	authorize(actor, 'proposal.manage', proposalScope(db, p));
	moveProposal(db, proposalId, to, extra);
}

/**
 * Moves a proposal to another status if the rules allow it (no authorization: for other domain rules
 * that have checked it, such as linking into an agenda).
 */
export function moveProposal(db: Db, proposalId: number, to: ProposalStatus, extra: Partial<Proposal> = {}) {
	const p = getProposal(db, proposalId);
	if (!canTransition(p.status, to)) throw new DomainError('PROPOSAL_STATE', { status: p.status, to });
	db.update(proposal)
		.set({ status: to, updatedAt: new Date(), ...extra })
		.where(and(eq(proposal.id, proposalId), eq(proposal.status, p.status)))
		.run();
}

export function declineProposal(
	db: Db,
	actor: Actor | null,
	proposalId: number,
	reason: string,
	now = Date.now()
) {
	if (!reason.trim()) throw new DomainError('INVALID_INPUT', { field: 'reason' });
	transition(db, actor, proposalId, 'declined', { declineReason: reason.trim(), updatedAt: new Date(now) });
}

export function mergeProposal(
	db: Db,
	actor: Actor | null,
	proposalId: number,
	intoId: number,
	now = Date.now()
) {
	const into = getProposal(db, intoId);
	if (intoId === proposalId || into.communityId !== actor?.communityId || into.status === 'merged')
		throw new DomainError('INVALID_INPUT', { field: 'mergedIntoId' });
	transition(db, actor, proposalId, 'merged', { mergedIntoId: intoId, updatedAt: new Date(now) });
}

export type ProposalFilter = {
	status?: ProposalStatus;
	buildingId?: number;
	category?: ProposalCategory;
	sort?: 'newest' | 'seconds';
};

/** Proposals the actor may see (their community; residents see everything filed in their community). */
export function listProposals(db: Db, actor: Actor | null, filter: ProposalFilter = {}) {
	const a = requireMember(actor, actor?.communityId ?? 0);
	const where: SQL[] = [eq(proposal.communityId, a.communityId)];
	if (filter.status) where.push(eq(proposal.status, filter.status));
	if (filter.buildingId) where.push(eq(proposal.buildingId, filter.buildingId));
	if (filter.category) where.push(eq(proposal.category, filter.category));
	return db
		.select({
			id: proposal.id,
			title: proposal.title,
			category: proposal.category,
			status: proposal.status,
			secondCount: proposal.secondCount,
			buildingName: building.name,
			createdAt: proposal.createdAt
		})
		.from(proposal)
		.leftJoin(building, eq(proposal.buildingId, building.id))
		.where(and(...where))
		.orderBy(
			filter.sort === 'seconds' ? desc(proposal.secondCount) : desc(proposal.createdAt),
			desc(proposal.id)
		)
		.limit(200)
		.all();
}

/** One proposal with who proposed it, who filed it, and whether this actor has seconded it or may. */
export function proposalDetail(db: Db, actor: Actor | null, proposalId: number) {
	const p = getProposal(db, proposalId);
	requireMember(actor, p.communityId);
	const proposer = db
		.select({ name: resident.name, unit: household.unit })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.where(eq(resident.id, p.proposerResidentId))
		.get();
	const seconded = actor?.residentId
		? !!db
				.select()
				.from(proposalSecond)
				.where(and(eq(proposalSecond.proposalId, p.id), eq(proposalSecond.residentId, actor.residentId)))
				.get()
		: false;
	const scope = proposalScope(db, p);
	return {
		proposal: p,
		proposer,
		onBehalf: filedOnBehalf(db, p),
		seconded,
		maySecond:
			!seconded &&
			p.proposerResidentId !== actor?.residentId &&
			can(actor, 'proposal.second', scope) &&
			(p.status === 'open' || p.status === 'onAgenda'),
		mayManage: can(actor, 'proposal.manage', scope)
	};
}

/** Filed by someone else for the proposer (代提): the filing account is not the proposer's own. */
function filedOnBehalf(db: Db, p: Proposal): boolean {
	const filer = db
		.select({ residentId: user.residentId })
		.from(user)
		.where(eq(user.id, p.filedByUserId))
		.get();
	return filer?.residentId !== p.proposerResidentId;
}
