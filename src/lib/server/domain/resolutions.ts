/**
 * Closing a poll into a resolution (决议): the outcome decided by the server from stored ballots, frozen
 * with the question, rules and tally, and chained by SHA-256 to the community's previous resolution.
 */
import { and, asc, desc, eq, lte } from 'drizzle-orm';
import type { ResolutionOutcome } from '$lib/realtime/poll';
import type { Db, Tx } from '../db';
import type { Actor } from '../authz';
import { handCountEntry, poll, pollReplacedBallot, pollVote, proposal, resolution } from '../db/schema';
import type { BallotChannel } from '../db/schema';
import { scrubWal } from '../db/scrub';
import { DomainError } from './errors';
import { recordAudit } from './audit';
import { pollsChanged } from './meeting-events';
import { chainHash, GENESIS_HASH, verifyChain } from './hash-chain';
import { getMeeting, meetingFor } from './meetings';
import { moveProposal } from './proposals';
import { adoptOnResolution } from './rules-adoption';
import { openFollowUp } from './follow-ups';
import { awardResolved } from './points';
import { countPoll, getPoll, rulesOf, type Poll } from './polls';
import { tallyView } from './tally';
import { ballotBoxChoices, emptyBallotBox } from './secret-ballots';

/** The receipts of a poll with their choices, in receipt order (nothing about who or when). */
function receiptsOf(db: Db, p: Poll): Array<[string, string[]]> {
	const rows = rulesOf(p).secret
		? ballotBoxChoices(db, p.id)
		: db
				.select({ receipt: pollVote.receipt, choices: pollVote.choices })
				.from(pollVote)
				.where(eq(pollVote.pollId, p.id))
				.all();
	return rows
		.map((r): [string, string[]] => [r.receipt ?? '', r.choices ?? []])
		.filter(([r]) => r)
		.sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Receipts of ballots their voter changed before close (named polls only), with what they chose and
 * the channel of the ballot that replaced them: published beside the counted ones, so every voter
 * still finds the receipt they were given.
 */
function replacedOf(db: Db, p: Poll): Array<[string, string[], BallotChannel]> {
	return db
		.select()
		.from(pollReplacedBallot)
		.where(eq(pollReplacedBallot.pollId, p.id))
		.all()
		.map((r): [string, string[], BallotChannel] => [r.receipt, r.choices, r.replacedByChannel])
		.sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The facilitator closes an open poll and its resolution is written (see `writeResolution`). */
export function closePoll(db: Db, actor: Actor | null, pollId: number, now = Date.now()): number {
	const p = getPoll(db, pollId);
	meetingFor(db, actor, p.meetingId, 'meeting.manage');
	return writeResolution(db, p, actor!.userId, now, false);
}

/**
 * 撤回: the facilitator takes back a poll opened by mistake, before its first ballot (a hand count
 * entered counts as one, even if corrected to zero since). It is not deleted: it closes into the
 * chain with the outcome `withdrawn`, which decides nothing (no adoption, follow-up or points; the
 * proposal stays on the agenda), and the audit log says who withdrew it. POLL_HAS_BALLOTS otherwise.
 */
export function withdrawPoll(db: Db, actor: Actor | null, pollId: number, now = Date.now()): number {
	const p = getPoll(db, pollId);
	meetingFor(db, actor, p.meetingId, 'meeting.manage');
	return writeResolution(db, p, actor!.userId, now, true);
}

/** Has anything been cast in the poll, by any channel? (Checked inside the closing transaction.) */
function hasBallots(tx: Tx, pollId: number): boolean {
	const vote = tx.select({ id: pollVote.id }).from(pollVote).where(eq(pollVote.pollId, pollId)).get();
	const hands = tx
		.select({ id: handCountEntry.id })
		.from(handCountEntry)
		.where(eq(handCountEntry.pollId, pollId))
		.get();
	return vote !== undefined || hands !== undefined;
}

/**
 * Closes a poll into its resolution. A passed or failed vote resolves the proposal it answers; a vote
 * without quorum, or withdrawn, leaves it on the agenda. A secret poll's ballot box is emptied into the
 * resolution's receipt list in the same transaction, and the storage's log of it truncated after the
 * commit (secret-ballots.ts). Not exported: the callers are the facilitator (closePoll, withdrawPoll)
 * and the server's timer (closeDuePolls).
 */
function writeResolution(db: Db, p: Poll, closedBy: number | null, now: number, withdraw: boolean): number {
	const id = storeResolution(db, p, closedBy, now, withdraw);
	if (rulesOf(p).secret) scrubWal(db);
	return id;
}

function storeResolution(db: Db, p: Poll, closedBy: number | null, now: number, withdraw: boolean): number {
	const m = getMeeting(db, p.meetingId);
	if (p.status !== 'open') throw new DomainError('POLL_CLOSED');
	const id = db.transaction((tx) => {
		if (withdraw && hasBallots(tx, p.id)) throw new DomainError('POLL_HAS_BALLOTS');
		tx.update(poll)
			.set({ status: 'closed', closedAt: new Date(now) })
			.where(eq(poll.id, p.id))
			.run();
		const t = countPoll(db, p);
		const outcome: ResolutionOutcome = withdraw ? 'withdrawn' : t.outcome;
		const carried = withdraw ? [] : t.carried;
		const last = tx
			.select()
			.from(resolution)
			.where(eq(resolution.communityId, m.communityId))
			.orderBy(desc(resolution.seq))
			.limit(1)
			.get();
		const seq = (last?.seq ?? 0) + 1;
		const prevHash = last?.hash ?? GENESIS_HASH;
		const content = {
			question: p.question,
			type: p.type,
			options: p.options,
			rules: p.rules,
			tally: tallyView(t),
			outcome,
			carried,
			meeting: { id: m.id, title: m.title },
			agendaItemId: p.agendaItemId,
			proposalId: p.proposalId,
			openedAt: p.openedAt.getTime(),
			decidedAt: now,
			receipts: receiptsOf(db, p)
		};
		const replaced = replacedOf(db, p);
		if (replaced.length) Object.assign(content, { replaced });
		if (rulesOf(p).secret) emptyBallotBox(tx, p.id);
		const id = tx
			.insert(resolution)
			.values({
				communityId: m.communityId,
				pollId: p.id,
				seq,
				content,
				outcome,
				prevHash,
				hash: chainHash(prevHash, seq, content),
				decidedAt: new Date(now)
			})
			.returning({ id: resolution.id })
			.get().id;
		const detail = { resolutionId: id, outcome, byTimer: closedBy === null };
		recordAudit(
			tx,
			{
				communityId: m.communityId,
				actorUserId: closedBy,
				action: withdraw ? 'poll.withdraw' : 'poll.close',
				subjectType: 'poll',
				subjectId: p.id,
				detail
			},
			now
		);
		if (withdraw) return id;
		adoptOnResolution(tx, p.id, id, outcome === 'passed', now);
		if (outcome === 'passed') openFollowUp(tx, m.communityId, id, now);
		if (outcome === 'passed') awardResolved(tx, p.proposalId, now);
		if (p.proposalId && outcome !== 'noQuorum') {
			const prop = tx
				.select({ status: proposal.status })
				.from(proposal)
				.where(eq(proposal.id, p.proposalId))
				.get();
			if (prop?.status === 'onAgenda') moveProposal(db, p.proposalId, 'resolved');
		}
		return id;
	});
	pollsChanged(m.id);
	return id;
}

/** Polls whose timer has run out, closed by the server (called by the realtime layer's scheduler). */
export function closeDuePolls(db: Db, now = Date.now()): number[] {
	const due = db
		.select({ id: poll.id })
		.from(poll)
		.where(and(eq(poll.status, 'open'), lte(poll.closesAt, new Date(now))))
		.all();
	return due.map((d) => {
		writeResolution(db, getPoll(db, d.id), null, now, false);
		return d.id;
	});
}

/** The next moment a poll's timer runs out, for the scheduler; null when none is set. */
export function nextPollDeadline(db: Db): number | null {
	const next = db
		.select({ at: poll.closesAt })
		.from(poll)
		.where(eq(poll.status, 'open'))
		.orderBy(asc(poll.closesAt))
		.all();
	const at = next.map((n) => n.at?.getTime()).filter((t): t is number => t !== undefined);
	return at.length ? Math.min(...at) : null;
}

/**
 * A resolution for its public page. Resolutions are public notices: no login needed. Everything shown
 * comes from the hashed content (the outcome and decidedAt columns are only there for queries), so
 * what the page says is what the chain protects.
 */
export function getResolutionView(db: Db, id: number) {
	const r = db.select().from(resolution).where(eq(resolution.id, id)).get();
	if (!r) throw new DomainError('NOT_FOUND', { resolutionId: id });
	const content = r.content as {
		outcome: ResolutionOutcome;
		decidedAt: number;
		proposalId: number | null;
	};
	const answers = content.proposalId
		? (db
				.select({ id: proposal.id, title: proposal.title })
				.from(proposal)
				.where(eq(proposal.id, content.proposalId))
				.get() ?? null)
		: null;
	return {
		id: r.id,
		seq: r.seq,
		hash: r.hash,
		prevHash: r.prevHash,
		decidedAt: content.decidedAt,
		outcome: content.outcome,
		content: r.content,
		proposal: answers
	};
}

/** Re-checks a community's whole chain: null when intact, else the first broken link. */
export function verifyCommunityChain(db: Db, communityId: number) {
	const rows = db
		.select()
		.from(resolution)
		.where(eq(resolution.communityId, communityId))
		.orderBy(asc(resolution.seq))
		.all();
	return verifyChain(
		rows.map((r) => ({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, content: r.content }))
	);
}
