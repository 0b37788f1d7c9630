/**
 * Polls (表决): opened by the facilitator on an agenda item with rules frozen at that moment, counted
 * by the server from stored ballots only, and closed by hand or by the server's timer into a
 * resolution (resolutions.ts).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { PollView, OpenPollPayload, TallyView } from '$lib/realtime/poll';
import { itemAt } from '$lib/agenda';
import type { Db } from '../db';
import { prepared } from '../db/prepared';
import type { Actor } from '../authz';
import { handCount, poll, pollVote, resolution, rulesPoll, type BallotChannel } from '../db/schema';
import { ballotBoxChoices } from './secret-ballots';
import type { DocumentStore } from './ports';
import { DomainError } from './errors';
import { recordAudit } from './audit';
import { pollsChanged } from './meeting-events';
import { applyPreset } from './presets';
import { pollRoll, requireUsableRoll, rollWeight, type Roll } from './rolls';
import { agendaDocName, getMeeting, meetingFor, type Meeting } from './meetings';
import {
	handUnits,
	tallyOwners,
	tallyPoll,
	tallyView,
	YES_NO_ABSTAIN,
	type CountedBallot,
	type PollOption,
	type PollRules,
	type Tally
} from './tally';

export type Poll = typeof poll.$inferSelect;

export function getPoll(db: Db, pollId: number): Poll {
	const p = prepared(db, 'polls.get', (db) =>
		db
			.select()
			.from(poll)
			.where(eq(poll.id, sql.placeholder('id')))
			.prepare()
	).get({ id: pollId });
	if (!p) throw new DomainError('NOT_FOUND', { pollId });
	return p;
}

export const rulesOf = (p: Poll): PollRules => p.rules;

/** Is the poll taking ballots at `now`? (A timer that has run out counts as closed even before the sweep.) */
export function isOpen(p: Poll, now: number): boolean {
	return p.status === 'open' && (p.closesAt === null || p.closesAt.getTime() > now);
}

function optionsFor(input: OpenPollPayload): PollOption[] {
	if (input.type === 'yesNoAbstain') return YES_NO_ABSTAIN;
	const labels = (input.options ?? []).map((l) => l.trim());
	if (
		labels.length < 2 ||
		labels.length > 12 ||
		labels.some((l) => !l || l.length > 60) ||
		new Set(labels).size !== labels.length
	)
		throw new DomainError('INVALID_INPUT', { field: 'options' });
	return labels.map((label, i) => ({ id: `o${i + 1}`, label }));
}

function checkRules(rules: PollRules) {
	const q = rules.quorum;
	const sane =
		Number.isInteger(q.num) &&
		Number.isInteger(q.den) &&
		q.den >= 1 &&
		q.den <= 100 &&
		q.num >= 0 &&
		q.num <= q.den;
	if (!sane) throw new DomainError('INVALID_INPUT', { field: 'quorum' });
	// A changed secret ballot would have to be found again by its voter, which secrecy forbids.
	if (rules.secret && rules.allowChange) throw new DomainError('INVALID_INPUT', { field: 'allowChange' });
	// A live count of a secret poll shows each new ballot's choice to whoever watches it change.
	if (rules.secret && rules.liveTally) throw new DomainError('INVALID_INPUT', { field: 'liveTally' });
}

/** The proposal an agenda item answers, read from the agenda document. */
function linkedProposal(docs: DocumentStore, meetingId: number, itemId: string | null): number | null {
	if (!itemId) return null;
	const id = docs.read(agendaDocName(meetingId), (doc) => itemAt(doc, itemId)?.get('proposalId'));
	return typeof id === 'number' ? id : null;
}

export function openPoll(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	input: OpenPollPayload,
	now = Date.now()
): number {
	const m = meetingFor(db, actor, input.meetingId, 'meeting.manage');
	if (m.status !== 'live') throw new DomainError('MEETING_STATE', { status: m.status });
	const question = input.question.trim();
	if (!question || question.length > 200) throw new DomainError('INVALID_INPUT', { field: 'question' });
	const options = optionsFor(input);
	const maxChoices = input.type === 'multi' ? (input.maxChoices ?? 1) : 1;
	if (!Number.isInteger(maxChoices) || maxChoices < 1 || maxChoices > options.length)
		throw new DomainError('INVALID_INPUT', { field: 'maxChoices' });
	const rules = applyPreset(input.rules, m);
	checkRules(rules);
	requireUsableRoll(pollRoll(db, m, m.startsAt, rules), rules);
	const d = input.durationSeconds;
	if (d !== null && (!Number.isInteger(d) || d < 10 || d > 24 * 3600))
		throw new DomainError('INVALID_INPUT', { field: 'durationSeconds' });
	const pollId = db.transaction((tx) => {
		const open = tx
			.select({ id: poll.id })
			.from(poll)
			.where(and(eq(poll.meetingId, m.id), eq(poll.status, 'open')))
			.get();
		if (open) throw new DomainError('POLL_STATE', { openPollId: open.id });
		const id = tx
			.insert(poll)
			.values({
				meetingId: m.id,
				agendaItemId: input.agendaItemId,
				proposalId: linkedProposal(docs, m.id, input.agendaItemId),
				question,
				type: input.type,
				options,
				maxChoices,
				rules: { ...rules },
				status: 'open',
				openedAt: new Date(now),
				closesAt: d === null ? null : new Date(now + d * 1000),
				openedByUserId: actor!.userId
			})
			.returning({ id: poll.id })
			.get().id;
		const detail = {
			meetingId: m.id,
			question,
			preset: rules.preset?.id ?? null,
			closesAt: d && now + d * 1000
		};
		recordAudit(
			tx,
			{
				communityId: m.communityId,
				actorUserId: actor!.userId,
				action: 'poll.open',
				subjectType: 'poll',
				subjectId: id,
				detail
			},
			now
		);
		return id;
	});
	// Whatever asked (the console, /rules/adopt), every screen of the meeting learns of it.
	pollsChanged(m.id);
	return pollId;
}

/** Rolls held for the span of one write transaction (`withRollsHeld`), by poll id. */
const heldRolls = new WeakMap<Db, Map<number, Roll>>();

/**
 * Runs `fn` (inside a write transaction, with work that does not change the roster) computing each
 * poll's roll once instead of once per call. While the transaction runs no other connection can
 * change the roster, so the held roll is exactly what each call would read. Group commit uses it:
 * otherwise every ballot recomputed the whole roll, milliseconds at 2,000 households (docs/benchmarks.md).
 */
export function withRollsHeld<T>(db: Db, fn: () => T): T {
	if (heldRolls.has(db)) return fn();
	heldRolls.set(db, new Map());
	try {
		return fn();
	} finally {
		heldRolls.delete(db);
	}
}

/** The poll's roll: its meeting's participants by the poll's voting unit (rolls.ts). */
export function rollOf(db: Db, p: Poll, m?: Meeting): Roll {
	const held = heldRolls.get(db);
	const hit = held?.get(p.id);
	if (hit) return hit;
	const meeting = m ?? getMeeting(db, p.meetingId);
	const roll = pollRoll(db, meeting, meeting.startsAt, rulesOf(p));
	held?.set(p.id, roll);
	return roll;
}

export type StoredTally = Tally & { participationByChannel: Partial<Record<BallotChannel, number>> };

/**
 * The tally from what is stored: ballots (named, or secret choices) and hand counts. A secret poll
 * shows how many took part by each channel, never which channel chose what.
 */
export function countPoll(db: Db, p: Poll): StoredTally {
	const rules = rulesOf(p);
	const votes = db
		.select({ choices: pollVote.choices, channel: pollVote.channel, unitKey: pollVote.unitKey })
		.from(pollVote)
		.where(eq(pollVote.pollId, p.id))
		.all();
	const roll = rollOf(db, p);
	// A ballot counts only for a unit on the roll (roll edits are refused while a poll is open).
	let ballots: CountedBallot[] = votes
		.filter((v) => roll.units.has(v.unitKey))
		.map((v) => ({
			choices: v.choices ?? [],
			channel: v.channel,
			weight: roll.units.get(v.unitKey) ?? 0
		}));
	if (rules.secret) {
		// Choices come only from the ballot box; channels only from the votes. Totals stay right,
		// per-channel splits of a secret poll are by participation, not by choice.
		ballots = ballotBoxChoices(db, p.id).map((c) => ({ choices: c.choices, channel: 'phone' as const }));
	}
	const hands = Object.fromEntries(
		db
			.select()
			.from(handCount)
			.where(eq(handCount.pollId, p.id))
			.all()
			.map((h) => [h.optionId, h.count])
	);
	const input = {
		type: p.type,
		options: p.options,
		rules,
		ballots,
		handCounts: hands,
		eligibleUnits: roll.units.size
	};
	const t =
		rules.votingUnit === 'owner'
			? tallyOwners({ ...input, eligibleArea: rollWeight(roll) })
			: tallyPoll(input);
	const participationByChannel: StoredTally['participationByChannel'] = {};
	for (const v of votes) participationByChannel[v.channel] = (participationByChannel[v.channel] ?? 0) + 1;
	const hand = handUnits(p.type, hands);
	if (hand) participationByChannel.hand = hand;
	return { ...t, perChannel: rules.secret ? {} : t.perChannel, participationByChannel };
}

/** A village-rules poll says so, for the ballot's link to the wording (the text itself is not broadcast). */
function rulesVoteOf(db: Db, pollId: number): PollView['rulesVote'] {
	const rp = prepared(db, 'polls.rulesPoll', (db) =>
		db
			.select({ clauseIds: rulesPoll.clauseIds })
			.from(rulesPoll)
			.where(eq(rulesPoll.pollId, sql.placeholder('pollId')))
			.prepare()
	).get({ pollId });
	return rp ? { wholeDraft: rp.clauseIds === null } : null;
}

/** What every screen sees of a poll; the tally is withheld while open when the rules hide it. */
export function pollView(db: Db, p: Poll): PollView {
	const rules = rulesOf(p);
	const r =
		p.status === 'closed' ? db.select().from(resolution).where(eq(resolution.pollId, p.id)).get() : undefined;
	// A closed poll's tally is frozen in its resolution: read it there rather than count again on every broadcast.
	const t: TallyView | null = r
		? (r.content.tally as TallyView)
		: rules.liveTally || p.status === 'closed'
			? tallyView(countPoll(db, p))
			: null;
	return {
		id: p.id,
		meetingId: p.meetingId,
		agendaItemId: p.agendaItemId,
		question: p.question,
		type: p.type,
		options: p.options,
		maxChoices: p.maxChoices,
		rules,
		status: p.status,
		openedAt: p.openedAt.getTime(),
		closesAt: p.closesAt?.getTime() ?? null,
		tally: t,
		rulesVote: rulesVoteOf(db, p.id),
		result: r
			? {
					outcome: r.outcome,
					carried: (r.content.carried as string[]) ?? [],
					resolutionId: r.id,
					hash: r.hash
				}
			: null
	};
}

/** The meeting's polls for its state: newest first, at most the last ten. */
export function meetingPolls(db: Db, meetingId: number): PollView[] {
	return db
		.select()
		.from(poll)
		.where(eq(poll.meetingId, meetingId))
		.orderBy(desc(poll.id))
		.limit(10)
		.all()
		.map((p) => pollView(db, p));
}
