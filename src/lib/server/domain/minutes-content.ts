/**
 * What the minutes (会议纪要) of a meeting say, generated from what the server stored: the meeting's
 * facts, attendance, the agenda with its notes, who spoke, every poll with its rules, tally and
 * resolution hash, the facilitator's summary and who signed. Only codes and numbers are kept (no
 * words in a language), so the frozen minutes read the same in Chinese and English.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { listItems } from '$lib/agenda';
import type { PollType, PublicRules, ResolutionOutcome, TallyView } from '$lib/realtime/poll';
import type { Db } from '../db';
import {
	attendance,
	building,
	community,
	estate,
	grid,
	minutes,
	minutesSignature,
	poll,
	resident,
	speakerRequest,
	user
} from '../db/schema';
import type { DocumentStore } from './ports';
import { agendaDocName, getMeeting, type Meeting } from './meetings';
import { meetingState } from './meeting-state';
import { pollView } from './polls';

/** `name` is null in the public copy of a resident's signature (minutes.ts). */
export type MinutesSignatureEntry = {
	name: string | null;
	role: 'facilitator' | 'resident';
	signedAt: number;
};

export type MinutesPoll = {
	id: number;
	agendaItemId: string | null;
	question: string;
	type: PollType;
	options: Array<{ id: string; label: string }>;
	rules: PublicRules;
	tally: TallyView | null;
	outcome: ResolutionOutcome | null;
	carried: string[];
	resolution: { id: number; hash: string } | null;
};

export type MinutesContent = {
	meeting: {
		id: number;
		title: string;
		place: string;
		/** The place's own names, e.g. ['富春小区', '1栋'] (no words of a language). */
		scope: { type: Meeting['scopeType']; names: string[] };
		body: Meeting['body'];
		votingUnit: Meeting['votingUnit'];
		startsAt: number;
		openedAt: number | null;
		closedAt: number | null;
	};
	/** present/eligible in voting units; byChannel counts people, by how they were checked in. */
	attendance: {
		present: number;
		eligible: number;
		quorum: boolean;
		byChannel: { phone: number; marked: number };
	};
	agenda: Array<{ id: string; title: string; notes: string; minutes: number; proposalId: number | null }>;
	/**
	 * Everyone who had the floor, in the order hands went up: how long they spoke and the limit set for
	 * their turn (both absent in minutes frozen before speaking time was kept). `name` is null in the
	 * public copy (minutes.ts).
	 */
	speakers: Array<{
		name: string | null;
		raisedAt: number;
		spokeMs?: number | null;
		limitSeconds?: number | null;
	}>;
	polls: MinutesPoll[];
	summary: string;
	signatures: MinutesSignatureEntry[];
};

function scopeNames(db: Db, m: Meeting): string[] {
	const one = <T extends { name: string }>(row: T | undefined) => (row ? [row.name] : []);
	switch (m.scopeType) {
		case 'community':
			return one(db.select().from(community).where(eq(community.id, m.scopeId)).get());
		case 'estate':
			return one(db.select().from(estate).where(eq(estate.id, m.scopeId)).get());
		case 'grid':
			return one(db.select().from(grid).where(eq(grid.id, m.scopeId)).get());
		case 'building': {
			const b = db
				.select({ name: building.name, estate: estate.name })
				.from(building)
				.leftJoin(estate, eq(building.estateId, estate.id))
				.where(eq(building.id, m.scopeId))
				.get();
			return b ? [...(b.estate ? [b.estate] : []), b.name] : [];
		}
	}
}

function attendanceOf(db: Db, m: Meeting): MinutesContent['attendance'] {
	const { present, eligible, quorum } = meetingState(db, m.id).attendance;
	const byChannel = { phone: 0, marked: 0 };
	const rows = db
		.select({ channel: attendance.channel })
		.from(attendance)
		.where(and(eq(attendance.meetingId, m.id), eq(attendance.present, true)))
		.all();
	for (const r of rows) byChannel[r.channel]++;
	return { present, eligible, quorum, byChannel };
}

/**
 * Closing a meeting marks hands still waiting as done too, so this lists every hand that was not
 * withdrawn, with how long each spoke (null for a hand that never had the floor, and for turns from
 * before turns were timed) and the speaking limit of their turn.
 */
function speakersOf(db: Db, meetingId: number): MinutesContent['speakers'] {
	return db
		.select({
			name: resident.name,
			raisedAt: speakerRequest.raisedAt,
			startedAt: speakerRequest.startedAt,
			endedAt: speakerRequest.endedAt,
			limitSeconds: speakerRequest.limitSeconds
		})
		.from(speakerRequest)
		.innerJoin(resident, eq(speakerRequest.residentId, resident.id))
		.where(and(eq(speakerRequest.meetingId, meetingId), inArray(speakerRequest.status, ['speaking', 'done'])))
		.orderBy(asc(speakerRequest.id))
		.all()
		.map((s) => ({
			name: s.name,
			raisedAt: s.raisedAt.getTime(),
			spokeMs: s.startedAt && s.endedAt ? s.endedAt.getTime() - s.startedAt.getTime() : null,
			limitSeconds: s.limitSeconds
		}));
}

function pollsOf(db: Db, meetingId: number): MinutesPoll[] {
	const rows = db.select().from(poll).where(eq(poll.meetingId, meetingId)).orderBy(asc(poll.id)).all();
	return rows.map((row) => {
		const v = pollView(db, row);
		return {
			id: v.id,
			agendaItemId: v.agendaItemId,
			question: v.question,
			type: v.type,
			options: v.options,
			rules: v.rules,
			tally: v.tally,
			outcome: v.result?.outcome ?? null,
			carried: v.result?.carried ?? [],
			resolution: v.result ? { id: v.result.resolutionId, hash: v.result.hash } : null
		};
	});
}

/** Who signed, in the order they signed (the facilitator first: see minutes.ts). */
export function signaturesOf(db: Db, minutesId: number | undefined): MinutesSignatureEntry[] {
	if (minutesId === undefined) return [];
	return db
		.select({ name: user.displayName, role: minutesSignature.role, signedAt: minutesSignature.signedAt })
		.from(minutesSignature)
		.innerJoin(user, eq(minutesSignature.userId, user.id))
		.where(eq(minutesSignature.minutesId, minutesId))
		.orderBy(asc(minutesSignature.signedAt), asc(minutesSignature.role), asc(minutesSignature.userId))
		.all()
		.map((s) => ({ ...s, signedAt: s.signedAt.getTime() }));
}

/** The minutes as they stand now, generated fresh (drafts are never stored, only the summary). */
export function generateMinutes(db: Db, docs: DocumentStore, meetingId: number): MinutesContent {
	const m = getMeeting(db, meetingId);
	const row = db.select().from(minutes).where(eq(minutes.meetingId, m.id)).get();
	return {
		meeting: {
			id: m.id,
			title: m.title,
			place: m.place,
			scope: { type: m.scopeType, names: scopeNames(db, m) },
			body: m.body,
			votingUnit: m.votingUnit,
			startsAt: m.startsAt.getTime(),
			openedAt: m.openedAt?.getTime() ?? null,
			closedAt: m.closedAt?.getTime() ?? null
		},
		attendance: attendanceOf(db, m),
		agenda: docs
			.read(agendaDocName(m.id), listItems)
			.map(({ id, title, notes, minutes: mins, proposalId }) => ({
				id,
				title,
				notes,
				minutes: mins,
				proposalId
			})),
		speakers: speakersOf(db, m.id),
		polls: pollsOf(db, m.id),
		summary: row?.summary ?? '',
		signatures: signaturesOf(db, row?.id)
	};
}
