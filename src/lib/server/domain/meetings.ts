/**
 * Council meetings (议事会): create, open, run (current item, item timer) and close. The agenda text is a
 * Yjs document; this module keeps what the server decides. All times are passed in for testability.
 */
import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import { linkedProposals } from '$lib/agenda';
import type { DocumentStore } from './ports';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Db } from '../db';
import { prepared } from '../db/prepared';
import { authorize, can, placeScope, type Actor, type Scope } from '../authz';
import { meeting, poll, proposal, speakerRequest, type VotingUnit } from '../db/schema';
import { DomainError } from './errors';
import { rotatesByDefault, type Body } from './bodies';
import { issueNotice } from './meeting-notice-versions';

export type Meeting = typeof meeting.$inferSelect;
export type MeetingInput = {
	title: string;
	scopeType: Meeting['scopeType'];
	scopeId: number;
	startsAt: Date;
	place: string;
	votingUnit: VotingUnit;
	isPublic: boolean;
	body?: Body;
	/** Check-in with the rotating code; by default where attendance has legal weight (bodies.ts). */
	rotatingCheckIn?: boolean;
};

export const agendaDocName = (meetingId: number) => `meeting:${meetingId}:agenda`;

export function getMeeting(db: Db, meetingId: number): Meeting {
	const m = prepared(db, 'meetings.get', (db) =>
		db
			.select()
			.from(meeting)
			.where(eq(meeting.id, sql.placeholder('id')))
			.prepare()
	).get({ id: meetingId });
	if (!m) throw new DomainError('NOT_FOUND', { meetingId });
	return m;
}

export function meetingScope(db: Db, m: Pick<Meeting, 'scopeType' | 'scopeId'>): Scope {
	return placeScope(db, m.scopeType, m.scopeId);
}

/** Loads a meeting the actor may act on with `action`, or throws NOT_FOUND / FORBIDDEN. */
export function meetingFor(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	action: 'meeting.view' | 'meeting.manage' | 'meeting.attend'
) {
	const m = getMeeting(db, meetingId);
	authorize(actor, action, meetingScope(db, m));
	return m;
}

/**
 * Loads a meeting the actor may prepare: run it (meeting.manage) or co-edit its agenda (agenda.edit,
 * which the 两委 committee holds). NOT_FOUND / UNAUTHENTICATED / FORBIDDEN otherwise.
 */
export function meetingToPrepare(db: Db, actor: Actor | null, meetingId: number) {
	const m = getMeeting(db, meetingId);
	const scope = meetingScope(db, m);
	if (!can(actor, 'agenda.edit', scope)) authorize(actor, 'meeting.manage', scope);
	return { meeting: m, canManage: can(actor, 'meeting.manage', scope) };
}

export function createMeeting(db: Db, actor: Actor | null, input: MeetingInput, now = Date.now()): number {
	const scope = placeScope(db, input.scopeType, input.scopeId);
	const a = authorize(actor, 'meeting.manage', scope);
	if (scope.communityId !== a.communityId) throw new DomainError('NOT_FOUND');
	const joinCode = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(5)));
	// The meeting and the notice it is called with are stored together.
	return db.transaction((tx) => {
		const created = tx
			.insert(meeting)
			.values({
				...input,
				rotatingCheckIn: input.rotatingCheckIn ?? rotatesByDefault(input.body ?? 'buildingCouncil'),
				communityId: a.communityId,
				joinCode,
				createdByUserId: a.userId,
				createdAt: new Date(now)
			})
			.returning()
			.get();
		issueNotice(tx, created, a.userId, now);
		return created.id;
	});
}

export function openMeeting(db: Db, actor: Actor | null, meetingId: number, now = Date.now()) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	if (m.status !== 'draft') throw new DomainError('MEETING_STATE', { status: m.status });
	db.update(meeting)
		.set({ status: 'live', openedAt: new Date(now) })
		.where(eq(meeting.id, m.id))
		.run();
}

/**
 * Closes a live meeting: stops the timer and the queue, returns proposals whose item was removed from
 * the agenda to "open", and has editors still connected to the agenda reconnect as readers.
 */
export function closeMeeting(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	meetingId: number,
	now = Date.now()
) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	if (m.status !== 'live') throw new DomainError('MEETING_STATE', { status: m.status });
	// A poll still taking ballots is closed first, on purpose, into its resolution.
	const open = db
		.select({ id: poll.id })
		.from(poll)
		.where(and(eq(poll.meetingId, m.id), eq(poll.status, 'open')))
		.get();
	if (open) throw new DomainError('POLL_STATE', { openPollId: open.id });
	const linked = docs.read(agendaDocName(m.id), linkedProposals);
	db.transaction((tx) => {
		tx.update(proposal)
			.set({ status: 'open', agendaMeetingId: null, updatedAt: new Date(now) })
			.where(
				and(
					eq(proposal.agendaMeetingId, m.id),
					eq(proposal.status, 'onAgenda'),
					linked.length ? notInArray(proposal.id, linked) : undefined
				)
			)
			.run();
		tx.update(meeting)
			.set({ status: 'closed', closedAt: new Date(now), ...pausedTimer(m, now) })
			.where(eq(meeting.id, m.id))
			.run();
		// The speaker at the lectern ends their turn; hands still waiting never had the floor.
		tx.update(speakerRequest)
			.set({ status: 'done', endedAt: new Date(now), updatedAt: new Date(now) })
			.where(and(eq(speakerRequest.meetingId, m.id), eq(speakerRequest.status, 'speaking')))
			.run();
		tx.update(speakerRequest)
			.set({ status: 'done', updatedAt: new Date(now) })
			.where(and(eq(speakerRequest.meetingId, m.id), eq(speakerRequest.status, 'waiting')))
			.run();
	});
	docs.reconnectAll(agendaDocName(m.id), 'meeting closed');
}

function requireLive(m: Meeting) {
	if (m.status !== 'live') throw new DomainError('MEETING_STATE', { status: m.status });
}

/** Moving to another item resets the item timer (stopped at zero). */
export function setCurrentItem(db: Db, actor: Actor | null, meetingId: number, itemId: string | null) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	requireLive(m);
	db.update(meeting)
		.set({ currentItemId: itemId, timerItemId: itemId, timerStartedAt: null, timerElapsedMs: 0 })
		.where(eq(meeting.id, m.id))
		.run();
}

function pausedTimer(m: Meeting, now: number) {
	const running = m.timerStartedAt ? now - m.timerStartedAt.getTime() : 0;
	return { timerStartedAt: null, timerElapsedMs: m.timerElapsedMs + Math.max(0, running) };
}

export function startTimer(db: Db, actor: Actor | null, meetingId: number, now = Date.now()) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	requireLive(m);
	if (!m.currentItemId) throw new DomainError('NO_CURRENT_ITEM');
	if (m.timerStartedAt) return; // already running: a repeated tap changes nothing
	db.update(meeting)
		.set({ timerStartedAt: new Date(now) })
		.where(eq(meeting.id, m.id))
		.run();
}

export function pauseTimer(db: Db, actor: Actor | null, meetingId: number, now = Date.now()) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	requireLive(m);
	if (!m.timerStartedAt) return;
	db.update(meeting).set(pausedTimer(m, now)).where(eq(meeting.id, m.id)).run();
}

/**
 * May this actor see the meeting? A public meeting's projector needs no login, only the join code that
 * the courtyard sees anyway (so nobody can read meetings by counting through ids).
 */
export function canViewMeeting(
	db: Db,
	actor: Actor | null,
	m: Meeting,
	{ projector = false, code }: { projector?: boolean; code?: string | null } = {}
): boolean {
	if (projector && m.isPublic && code && code === m.joinCode) return true;
	return can(actor, 'meeting.view', meetingScope(db, m));
}

/** The meeting a join code (the QR code's `/j/<code>`) belongs to, or NOT_FOUND. */
export function findMeetingByCode(db: Db, code: string): Meeting {
	const normalized = code.trim().toLowerCase();
	const m = /^[a-z2-7]{8}$/.test(normalized)
		? db.select().from(meeting).where(eq(meeting.joinCode, normalized)).get()
		: undefined;
	if (!m) throw new DomainError('NOT_FOUND', { code });
	return m;
}

/** Meetings the actor may see, newest first; live ones first of all (for the home page and lists). */
export function listMeetingsFor(
	db: Db,
	actor: Actor | null,
	{ status }: { status?: Meeting['status'] } = {}
) {
	if (!actor) return [];
	const rows = db
		.select()
		.from(meeting)
		.where(
			status
				? and(eq(meeting.communityId, actor.communityId), eq(meeting.status, status))
				: eq(meeting.communityId, actor.communityId)
		)
		.orderBy(desc(meeting.startsAt))
		.all();
	const rank = { live: 0, draft: 1, closed: 2 } as const;
	return rows
		.filter((m) => canViewMeeting(db, actor, m))
		.map((m) => ({ ...m, canManage: can(actor, 'meeting.manage', meetingScope(db, m)) }))
		.sort((a, b) => rank[a.status] - rank[b.status]);
}
