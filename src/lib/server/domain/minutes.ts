/**
 * Meeting minutes (会议纪要): generated from the meeting (minutes-content.ts), with a summary the
 * facilitator writes. Once the meeting is closed the facilitator signs (确认), which locks the summary,
 * then two residents who were present sign; the second of them freezes the minutes: the content as
 * it stands, its SHA-256 and the status, in one transaction. Frozen minutes never change again.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { authorize, can, type Actor } from '../authz';
import {
	attendance,
	building,
	household,
	minutes,
	minutesSignature,
	poll,
	pollVote,
	resident
} from '../db/schema';
import type { DocumentStore } from './ports';
import { DomainError, isDomainError, type ErrorCode } from './errors';
import { canonicalJson } from './hash-chain';
import { recordAudit } from './audit';
import { canViewMeeting, getMeeting, meetingScope, type Meeting } from './meetings';
import { generateMinutes, type MinutesContent } from './minutes-content';
import { rulesOf } from './polls';

export type { MinutesContent } from './minutes-content';
export const MAX_SUMMARY = 5000;
/** 两名居民代表: how many residents sign after the facilitator. */
export const RESIDENT_SIGNERS = 2;

type Row = typeof minutes.$inferSelect;
type Signature = typeof minutesSignature.$inferSelect;
export type SignerRole = Signature['role'];

/** SHA-256 of the canonical JSON of the content: the same content always gives the same hash. */
export function minutesHash(content: MinutesContent): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(canonicalJson(content))));
}

/** The minutes row, made on first use (a meeting has at most one, by its unique meeting id). */
function ensureRow(db: Db | Tx, m: Meeting, now: number): Row {
	db.insert(minutes)
		.values({ communityId: m.communityId, meetingId: m.id, updatedAt: new Date(now) })
		.onConflictDoNothing({ target: minutes.meetingId })
		.run();
	return db.select().from(minutes).where(eq(minutes.meetingId, m.id)).get()!;
}

function signaturesFor(db: Db | Tx, row: Row | undefined): Signature[] {
	if (!row) return [];
	return db.select().from(minutesSignature).where(eq(minutesSignature.minutesId, row.id)).all();
}

function wasPresent(db: Db | Tx, meetingId: number, residentId: number): boolean {
	const a = db
		.select({ present: attendance.present })
		.from(attendance)
		.where(and(eq(attendance.meetingId, meetingId), eq(attendance.residentId, residentId)))
		.get();
	return a?.present ?? false;
}

/**
 * The checks of a signature, in the order a person would want to hear them. Returns the role the
 * actor signs as, or throws the reason they may not sign now. Writes nothing (the view uses it too).
 */
function checkSigner(db: Db, actor: Actor | null, m: Meeting, row: Row | undefined): SignerRole {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const scope = meetingScope(db, m);
	let role: SignerRole;
	if (can(actor, 'minutes.edit', scope)) role = 'facilitator';
	else if (actor.residentId !== null && can(actor, 'meeting.attend', scope)) {
		if (!wasPresent(db, m.id, actor.residentId)) throw new DomainError('NOT_PRESENT');
		role = 'resident';
	} else throw new DomainError('FORBIDDEN', { action: 'minutes.sign' });
	if (m.status !== 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	const signatures = signaturesFor(db, row);
	if (signatures.some((s) => s.userId === actor.userId)) throw new DomainError('ALREADY_SIGNED');
	if (row?.status === 'signed') throw new DomainError('MINUTES_STATE', { reason: 'signed' });
	const facilitatorSigned = signatures.some((s) => s.role === 'facilitator');
	if (role === 'facilitator') {
		// Another staff member already signed for the chair: the minutes have one facilitator.
		if (facilitatorSigned) throw new DomainError('ALREADY_SIGNED', { reason: 'facilitatorSigned' });
		if (!row?.summary.trim()) throw new DomainError('INVALID_INPUT', { field: 'summary' });
	} else if (!facilitatorSigned) {
		// Residents confirm the summary as the facilitator signed it, so it must be final first.
		throw new DomainError('MINUTES_STATE', { reason: 'facilitatorFirst' });
	}
	return role;
}

/**
 * Signs the minutes of a closed meeting. The second resident's signature freezes them. Errors:
 * UNAUTHENTICATED, FORBIDDEN, NOT_PRESENT, MEETING_STATE, ALREADY_SIGNED, MINUTES_STATE,
 * INVALID_INPUT (no summary yet); nothing is written when one is thrown.
 */
export function signMinutes(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	meetingId: number,
	now = Date.now()
): { role: SignerRole; status: Row['status'] } {
	const m = getMeeting(db, meetingId);
	return db.transaction((tx) => {
		// A refusal rolls the whole transaction back, the row made here included.
		const row = ensureRow(tx, m, now);
		const role = checkSigner(db, actor, m, row);
		tx.insert(minutesSignature)
			.values({ minutesId: row.id, userId: actor!.userId, role, signedAt: new Date(now) })
			.run();
		const detail = { meetingId: m.id, role };
		recordAudit(
			tx,
			{
				communityId: m.communityId,
				actorUserId: actor!.userId,
				action: 'minutes.sign',
				subjectType: 'minutes',
				subjectId: row.id,
				detail
			},
			now
		);
		const signatures = signaturesFor(tx, row);
		const residents = signatures.filter((s) => s.role === 'resident').length;
		if (residents < RESIDENT_SIGNERS || !signatures.some((s) => s.role === 'facilitator'))
			return { role, status: 'draft' as const };
		// Same connection, inside this transaction: the content includes the signature just written.
		const content = generateMinutes(db, docs, m.id);
		tx.update(minutes)
			.set({
				status: 'signed',
				content: content as unknown as Record<string, unknown>,
				hash: minutesHash(content),
				signedAt: new Date(now),
				updatedAt: new Date(now)
			})
			.where(eq(minutes.id, row.id))
			.run();
		return { role, status: 'signed' as const };
	});
}

/** The facilitator's summary; refused (MINUTES_STATE) once the facilitator has signed. */
export function saveSummary(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	summary: string,
	now = Date.now()
) {
	const m = getMeeting(db, meetingId);
	authorize(actor, 'minutes.edit', meetingScope(db, m));
	const text = summary.replace(/\r\n?/g, '\n').trim();
	if (text.length > MAX_SUMMARY) throw new DomainError('INVALID_INPUT', { field: 'summary' });
	db.transaction((tx) => {
		const row = ensureRow(tx, m, now);
		if (row.status === 'signed') throw new DomainError('MINUTES_STATE', { reason: 'signed' });
		if (signaturesFor(tx, row).some((s) => s.role === 'facilitator'))
			throw new DomainError('MINUTES_STATE', { reason: 'locked' });
		tx.update(minutes)
			.set({ summary: text, updatedAt: new Date(now) })
			.where(eq(minutes.id, row.id))
			.run();
	});
}

export type SignState = { role: SignerRole } | { refused: ErrorCode; reason: string | null };

/**
 * The copy of frozen minutes for readers outside the meeting (the notice board's link). Public
 * records name no resident, as a resolution's page names no voter (only receipts: resolutions.ts):
 * who spoke and which residents signed are kept as places in the list, without names. Staff sign in
 * their public role, so the chair's name stays. The hash is of the full minutes as signed.
 */
function withoutResidentNames(content: MinutesContent): MinutesContent {
	return {
		...content,
		speakers: content.speakers.map((s) => ({ ...s, name: null })),
		signatures: content.signatures.map((s) => (s.role === 'resident' ? { ...s, name: null } : s))
	};
}

/**
 * The minutes: anyone who may view the meeting reads them (a draft generated fresh, signed minutes
 * as frozen, with a check that the stored content still matches its hash); once frozen, the minutes
 * of a public meeting are a public record anyone may read, without residents' names.
 */
export function getMinutes(db: Db, docs: DocumentStore, actor: Actor | null, meetingId: number) {
	const m = getMeeting(db, meetingId);
	const row = db.select().from(minutes).where(eq(minutes.meetingId, m.id)).get();
	const frozen = row?.status === 'signed' && row.content !== null && row.hash !== null;
	const member = canViewMeeting(db, actor, m);
	if (!member && !(frozen && m.isPublic)) {
		if (!actor) throw new DomainError('UNAUTHENTICATED');
		throw new DomainError('FORBIDDEN', { action: 'meeting.view' });
	}
	const stored = frozen ? (row.content as unknown as MinutesContent) : generateMinutes(db, docs, m.id);
	const content = member ? stored : withoutResidentNames(stored);
	let sign: SignState;
	try {
		sign = { role: checkSigner(db, actor, m, row) };
	} catch (e) {
		if (!isDomainError(e)) throw e;
		const reason = e.details?.reason;
		sign = { refused: e.code, reason: typeof reason === 'string' ? reason : null };
	}
	const mayEdit = can(actor, 'minutes.edit', meetingScope(db, m));
	const locked = content.signatures.some((s) => s.role === 'facilitator');
	return {
		meetingStatus: m.status,
		status: frozen ? ('signed' as const) : ('draft' as const),
		content,
		/** True for the public copy: residents' names left out. */
		publicCopy: !member,
		hash: frozen ? row.hash : null,
		signedAt: frozen ? (row.signedAt?.getTime() ?? null) : null,
		intact: frozen ? minutesHash(stored) === row.hash : null,
		canEditSummary: mayEdit && !frozen && !locked,
		canExportBallots: mayEdit,
		sign
	};
}

/**
 * The named ballots of the meeting's closed polls (`n` counts every poll of the meeting, from 1), for
 * staff who may edit the minutes. Secret polls are left out: their choices are linked to nobody.
 */
export function namedBallots(db: Db, actor: Actor | null, meetingId: number) {
	const mt = getMeeting(db, meetingId);
	authorize(actor, 'minutes.edit', meetingScope(db, mt));
	const polls = db.select().from(poll).where(eq(poll.meetingId, mt.id)).orderBy(asc(poll.id)).all();
	return polls.flatMap((p, k) => {
		if (p.status !== 'closed' || rulesOf(p).secret) return [];
		const votes = db
			.select({
				choices: pollVote.choices,
				channel: pollVote.channel,
				at: pollVote.updatedAt,
				name: resident.name,
				unit: household.unit,
				building: building.name
			})
			.from(pollVote)
			.innerJoin(resident, eq(pollVote.voterResidentId, resident.id))
			.innerJoin(household, eq(resident.householdId, household.id))
			.innerJoin(building, eq(household.buildingId, building.id))
			.where(eq(pollVote.pollId, p.id))
			.orderBy(asc(building.name), asc(household.unit), asc(pollVote.id))
			.all();
		return [{ n: k + 1, poll: p, votes }];
	});
}
