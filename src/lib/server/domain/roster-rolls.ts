/**
 * The voter rolls the legal presets need (src/lib/presets.ts), kept by the community admin on the
 * roster: each unit's private floor area and owner (业主大会), and each resident's adult flag, 户代表
 * and 村民代表 marks. A household has at most one 户代表: naming one clears the others.
 */
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../db';
import type { Actor } from '../authz';
import { household, meeting, poll, resident } from '../db/schema';
import { DomainError } from './errors';
import { requireHousehold, requireResident, rosterManager } from './roster';

/** Floor areas are whole hundredths of m²; the largest flat we accept is 10 000 m². */
const MAX_AREA = 1_000_000;

export type Ownership = {
	householdId: number;
	/** 专有部分面积 in hundredths of m², or null when not known. */
	floorArea: number | null;
	ownerKey: string | null;
	unsold: boolean;
};

/** The rolls of a running vote do not change under it: edits wait until no poll is open. */
function requireNoOpenPoll(db: Db, communityId: number) {
	const open = db
		.select({ id: poll.id })
		.from(poll)
		.innerJoin(meeting, eq(poll.meetingId, meeting.id))
		.where(and(eq(meeting.communityId, communityId), eq(poll.status, 'open')))
		.get();
	if (open) throw new DomainError('POLL_STATE', { openPollId: open.id });
}

export function setOwnership(db: Db, actor: Actor | null, input: Ownership) {
	const { communityId } = rosterManager(actor);
	requireNoOpenPoll(db, communityId);
	requireHousehold(db, input.householdId, communityId);
	const area = input.floorArea;
	if (area !== null && (!Number.isInteger(area) || area <= 0 || area > MAX_AREA))
		throw new DomainError('INVALID_INPUT', { field: 'floorArea' });
	const ownerKey = input.ownerKey?.trim() || null;
	if (ownerKey && ownerKey.length > 64) throw new DomainError('INVALID_INPUT', { field: 'ownerKey' });
	db.update(household)
		.set({ floorArea: area, ownerKey: input.unsold ? null : ownerKey, unsold: input.unsold })
		.where(eq(household.id, input.householdId))
		.run();
}

export type RollFlags = {
	residentId: number;
	/** true/false override the birth year; null lets it decide. */
	adult: boolean | null;
	householdRepresentative: boolean;
	villagerRepresentative: boolean;
};

export function setRollFlags(db: Db, actor: Actor | null, input: RollFlags) {
	const { communityId } = rosterManager(actor);
	requireNoOpenPoll(db, communityId);
	const r = requireResident(db, input.residentId, communityId);
	const { adult, householdRepresentative, villagerRepresentative } = input;
	db.transaction((tx) => {
		if (householdRepresentative)
			tx.update(resident)
				.set({ householdRepresentative: false })
				.where(and(eq(resident.householdId, r.householdId), ne(resident.id, r.id)))
				.run();
		tx.update(resident)
			.set({ adult, householdRepresentative, villagerRepresentative })
			.where(eq(resident.id, r.id))
			.run();
	});
}

/** "89.35", "89.35㎡", "89.35平方米" → 8935 hundredths; undefined when blank, null when not an area. */
export function parseArea(raw: string | undefined): number | undefined | null {
	if (raw === undefined || raw.trim() === '') return undefined;
	const m = /^(\d{1,5})(?:\.(\d{1,2}))?(?:㎡|m²|m2|平方米|平米)?$/i.exec(
		raw.normalize('NFKC').replace(/\s+/g, '')
	);
	if (!m) return null;
	const value = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
	return value > 0 && value <= MAX_AREA ? value : null;
}
