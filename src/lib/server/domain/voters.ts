/**
 * Who may vote in a poll, and as what unit: the meeting's eligible participants, who is present, which
 * units have a ballot, and 委托 (proxy) designations. Shared by ballots, hand counts and the console.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import type { Actor } from '../authz';
import { attendance, handCount, poll, pollVote, proxy, resident, type BallotChannel } from '../db/schema';
import { DomainError } from './errors';
import { recordAudit } from './audit';
import { proxyPolicy } from './bodies';
import { eligibleParticipants } from './eligibility';
import { meetingFor } from './meetings';
import { getPoll, rollOf, rulesOf, type Poll } from './polls';
import type { Roll, Voter } from './rolls';
import { handUnits } from './tally';

/** Residents present at a meeting (checked in or marked). */
export function presentResidents(db: Db | Tx, meetingId: number): Set<number> {
	return new Set(
		db
			.select({ id: attendance.residentId })
			.from(attendance)
			.where(and(eq(attendance.meetingId, meetingId), eq(attendance.present, true)))
			.all()
			.map((a) => a.id)
	);
}

/** The unit keys that already have a ballot in a poll. */
export function votedUnits(db: Db | Tx, pollId: number): Set<string> {
	return new Set(
		db
			.select({ key: pollVote.unitKey })
			.from(pollVote)
			.where(eq(pollVote.pollId, pollId))
			.all()
			.map((v) => v.key)
	);
}

/** The units with someone present in the room (anyone of a household, or of an owner's units). */
function presentUnits(db: Db | Tx, p: Poll, roll = rollOf(db as Db, p)): Set<string> {
	// Only the roll's voters make their unit present: where a 户代表 is named, it is they who must come.
	const here = presentResidents(db, p.meetingId);
	return new Set(roll.voters.filter((v) => here.has(v.residentId)).map((v) => v.key));
}

/** `presentUnits(db, p, roll).has(key)` for one unit, without reading the whole room (once per ballot). */
function unitPresent(db: Db, p: Poll, roll: Roll, key: string): boolean {
	const ids = roll.voters.filter((v) => v.key === key).map((v) => v.residentId);
	const row = db
		.select({ id: attendance.residentId })
		.from(attendance)
		.where(
			and(
				eq(attendance.meetingId, p.meetingId),
				eq(attendance.present, true),
				inArray(attendance.residentId, ids)
			)
		)
		.get();
	return row !== undefined;
}

/**
 * The voter on the poll's roll, or NOT_ELIGIBLE (outside the scope, under 18, not the 户代表 or not a
 * representative). `present`: 'unit' = someone of the voter's unit is there; 'person' = the voter in
 * person (代投).
 */
export function voterOf(db: Db, p: Poll, residentId: number, present: 'unit' | 'person' | false): Voter {
	const roll = rollOf(db, p);
	const voter = roll.voters.find((e) => e.residentId === residentId);
	if (!voter) throw new DomainError('NOT_ELIGIBLE');
	if (present) {
		const ok =
			present === 'unit'
				? unitPresent(db, p, roll, voter.key)
				: presentResidents(db, p.meetingId).has(residentId);
		if (!ok) throw new DomainError('NOT_PRESENT');
	}
	return voter;
}

/** Present units without a ballot by another channel: the bound on hand counts. */
export function freeUnits(db: Db, tx: Db | Tx, p: Poll): number {
	const voted = votedUnits(tx, p.id);
	return [...presentUnits(tx, p)].filter((k) => !voted.has(k)).length;
}

/** Throws PROXY_NOT_DESIGNATED unless `proxyResidentId` may vote for `grantorResidentId` in this meeting. */
export function requireProxy(db: Db, meetingId: number, proxyResidentId: number, grantorResidentId: number) {
	const d = db
		.select({ id: proxy.id })
		.from(proxy)
		.where(
			and(
				eq(proxy.meetingId, meetingId),
				eq(proxy.grantorResidentId, grantorResidentId),
				eq(proxy.proxyResidentId, proxyResidentId),
				isNull(proxy.revokedAt)
			)
		)
		.get();
	if (!d) throw new DomainError('PROXY_NOT_DESIGNATED');
}

/** Designations are made and changed beforehand: never while a poll of the meeting is open. */
export function requireNoOpenPoll(tx: Db | Tx, meetingId: number) {
	const open = tx
		.select({ id: poll.id })
		.from(poll)
		.where(and(eq(poll.meetingId, meetingId), eq(poll.status, 'open')))
		.get();
	if (open) throw new DomainError('POLL_STATE', { openPollId: open.id });
}

export function revokeActive(tx: Db | Tx, meetingId: number, grantor: number, now: number) {
	tx.update(proxy)
		.set({ revokedAt: new Date(now) })
		.where(and(eq(proxy.meetingId, meetingId), eq(proxy.grantorResidentId, grantor), isNull(proxy.revokedAt)))
		.run();
}

/** 委托: a resident names another eligible resident of the meeting to vote for them. */
export function designateProxy(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	proxyResidentId: number,
	now = Date.now()
) {
	const m = meetingFor(db, actor, meetingId, 'meeting.attend');
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	// Where proxies must be written (village elections), the staff who receive the letter record them.
	if (proxyPolicy(m.body) !== 'self') throw new DomainError('PROXY_NOT_ALLOWED', { body: m.body });
	const grantor = actor!.residentId;
	if (!grantor || grantor === proxyResidentId)
		throw new DomainError('INVALID_INPUT', { field: 'proxyResidentId' });
	const eligible = new Set(eligibleParticipants(db, m, m.startsAt).map((e) => e.residentId));
	if (!eligible.has(grantor) || !eligible.has(proxyResidentId)) throw new DomainError('NOT_ELIGIBLE');
	db.transaction((tx) => {
		requireNoOpenPoll(tx, m.id);
		revokeActive(tx, m.id, grantor, now);
		tx.insert(proxy)
			.values({ meetingId: m.id, grantorResidentId: grantor, proxyResidentId, createdAt: new Date(now) })
			.run();
		auditProxy(tx, m, actor!.userId, 'proxy.designate', { grantorResidentId: grantor, proxyResidentId }, now);
	});
}

/** 撤回委托: the grantor takes back their proxy (before any poll opens) and votes themselves again. */
export function revokeProxy(db: Db, actor: Actor | null, meetingId: number, now = Date.now()) {
	const m = meetingFor(db, actor, meetingId, 'meeting.attend');
	const grantor = actor!.residentId;
	if (!grantor) throw new DomainError('NOT_ELIGIBLE');
	db.transaction((tx) => {
		requireNoOpenPoll(tx, m.id);
		const active = tx
			.select({ proxyResidentId: proxy.proxyResidentId })
			.from(proxy)
			.where(and(eq(proxy.meetingId, m.id), eq(proxy.grantorResidentId, grantor), isNull(proxy.revokedAt)))
			.get();
		if (!active) throw new DomainError('PROXY_NOT_DESIGNATED');
		revokeActive(tx, m.id, grantor, now);
		const detail = { grantorResidentId: grantor, proxyResidentId: active.proxyResidentId };
		auditProxy(tx, m, actor!.userId, 'proxy.revoke', detail, now);
	});
}

/** Who votes for whom changes the count, so each change is in the audit log, like written proxies. */
function auditProxy(
	tx: Db | Tx,
	m: { id: number; communityId: number },
	actorUserId: number,
	action: 'proxy.designate' | 'proxy.revoke',
	detail: { grantorResidentId: number; proxyResidentId: number },
	now: number
) {
	recordAudit(
		tx,
		{ communityId: m.communityId, actorUserId, action, subjectType: 'meeting', subjectId: m.id, detail },
		now
	);
}

/** For a voter's screen: the polls their unit voted in, and whom they may vote for as a proxy. */
export function voterStatus(db: Db, meetingId: number, residentId: number) {
	const polls = db.select().from(poll).where(eq(poll.meetingId, meetingId)).all();
	const votedPolls = polls
		.filter((p) => {
			const me = rollOf(db, p).voters.find((e) => e.residentId === residentId);
			return me !== undefined && votedUnits(db, p.id).has(me.key);
		})
		.map((p) => p.id);
	const proxyFor = db
		.select({ residentId: resident.id, name: resident.name })
		.from(proxy)
		.innerJoin(resident, eq(proxy.grantorResidentId, resident.id))
		.where(
			and(eq(proxy.meetingId, meetingId), eq(proxy.proxyResidentId, residentId), isNull(proxy.revokedAt))
		)
		.all();
	return { votedPolls, proxyFor };
}

/** Ballots the resident casts themselves (phone or plain form); the others are cast for them. */
export function castByVoter(channel: BallotChannel): boolean {
	return channel === 'phone' || channel === 'form';
}

type MissingVoter = {
	residentId: number;
	name: string;
	unit: string;
	buildingName: string;
	/** Whether the unit is in the room. */
	present: boolean;
};

/**
 * For the facilitator's console (named polls only; a secret poll does not say):
 * - `missing`, 尚未投票: one row per voting unit without a named ballot, named by a resident of it. An
 *   anonymous hand count says how many present units raised a hand, not which. So `remaining` (the
 *   units still to vote, the number the console shows) is the rows less the hands, and equals eligible
 *   less participating in the tally; once the hands cover every present row, those rows are dropped
 *   (each of them is accounted for), and the rows left are the units that did not vote at all.
 * - `voted`: the residents for whom 代投 is closed because their unit's ballot may not be replaced by
 *   one recorded for them (above all, those who voted themselves), so the 代投 list shows them as 已投.
 */
export function ballotProgress(db: Db, actor: Actor | null, pollId: number) {
	const p = getPoll(db, pollId);
	const m = meetingFor(db, actor, p.meetingId, 'meeting.manage');
	const rules = rulesOf(p);
	if (rules.secret) throw new DomainError('FORBIDDEN', { reason: 'SECRET' });
	const roll = rollOf(db, p, m);
	const here = presentUnits(db, p, roll);
	const votes = new Map(
		db
			.select({ key: pollVote.unitKey, channel: pollVote.channel, voter: pollVote.voterResidentId })
			.from(pollVote)
			.where(eq(pollVote.pollId, p.id))
			.all()
			.map((v) => [v.key, v])
	);
	const seen = new Set<string>();
	const rows: MissingVoter[] = roll.voters
		.filter((e) => rules.whoMayVote === 'eligible' || here.has(e.key))
		.filter((e) => {
			if (votes.has(e.key) || seen.has(e.key)) return false;
			seen.add(e.key);
			return true;
		})
		.map((e) => ({
			residentId: e.residentId,
			name: e.name,
			unit: e.unit,
			buildingName: e.buildingName,
			present: here.has(e.key)
		}));
	const handsCounted = handUnits(p.type, handCountsOf(db, p.id));
	const presentRows = rows.filter((r) => r.present).length;
	const voters = handsCounted >= presentRows && handsCounted > 0 ? rows.filter((r) => !r.present) : rows;
	const missing = { voters, handsCounted, remaining: Math.max(0, rows.length - handsCounted) };
	const voted = roll.voters
		.filter((e) => {
			const v = votes.get(e.key);
			return v && (castByVoter(v.channel) || !rules.allowChange || v.voter !== e.residentId);
		})
		.map((e) => e.residentId);
	return { missing, voted };
}

/** 尚未投票 (`ballotProgress`'s first half). */
export function missingVoters(db: Db, actor: Actor | null, pollId: number) {
	return ballotProgress(db, actor, pollId).missing;
}

export type MissingVoters = ReturnType<typeof missingVoters>;

function handCountsOf(db: Db, pollId: number): Record<string, number> {
	return Object.fromEntries(
		db
			.select()
			.from(handCount)
			.where(eq(handCount.pollId, pollId))
			.all()
			.map((h) => [h.optionId, h.count])
	);
}
