/**
 * Voter rolls (名册) of a poll: who may cast a vote, for which voting unit, and what each unit weighs.
 *   household       one vote per household; where a 户代表 is designated, they cast it
 *   resident        one vote per adult
 *   representative  one vote per 村民代表 (村民代表会议)
 *   owner           one vote per owner (业主大会): a unit is one owner, one owner of several units counts
 *                   once, and unsold developer units count as one owner together (SPC interpretation
 *                   Art 9); each owner weighs the private floor area of their units (民法典 Art 278)
 * The owners' roll is made of units, not residents: an empty or unsold unit still counts in the base.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { building, household } from '../db/schema';
import { DomainError } from './errors';
import { eligibleParticipants, inPlace, type MeetingPlace, type Participant } from './eligibility';
import type { PollRules } from './tally';

export type Voter = Participant & { key: string };

export type Roll = {
	/** Who may cast a vote, each with their unit's key. */
	voters: Voter[];
	/** The unit of any adult participant (present in the room for their unit), or null when not on the roll. */
	keyOf: (p: Participant) => string | null;
	/** Every unit on the roll with its weight: floor area in hundredths of m² for owners, else 1. */
	units: Map<string, number>;
	/** Units in scope missing a floor area (owners' roll only): the roll is not usable while any are. */
	missingArea: number;
};

type UnitRow = { id: number; floorArea: number | null; ownerKey: string | null; unsold: boolean };

/** The owner a unit counts as, by SPC Art 9. */
export function ownerOf(u: Pick<UnitRow, 'id' | 'ownerKey' | 'unsold'>): string {
	if (u.unsold) return 'owner:developer';
	const k = u.ownerKey?.trim();
	return k ? `owner:${k}` : `owner:unit:${u.id}`;
}

function unitsInScope(db: Db, place: MeetingPlace): UnitRow[] {
	return db
		.select({
			id: household.id,
			floorArea: household.floorArea,
			ownerKey: household.ownerKey,
			unsold: household.unsold
		})
		.from(household)
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(inPlace(db, place))
		.all();
}

export function pollRoll(db: Db, place: MeetingPlace, at: Date, rules: Pick<PollRules, 'votingUnit'>): Roll {
	const people = eligibleParticipants(db, place, at);
	const unit = rules.votingUnit;
	if (unit === 'owner') {
		const rows = unitsInScope(db, place);
		const ownerOfUnit = new Map(rows.map((u) => [u.id, ownerOf(u)]));
		const units = new Map<string, number>();
		for (const u of rows) units.set(ownerOf(u), (units.get(ownerOf(u)) ?? 0) + (u.floorArea ?? 0));
		const keyOf = (p: Participant) => ownerOfUnit.get(p.householdId) ?? null;
		return {
			// Unsold units weigh in the base, but no resident living in one speaks for the developer.
			voters: people
				.map((p) => ({ ...p, key: keyOf(p)! }))
				.filter((v) => v.key && v.key !== 'owner:developer'),
			keyOf,
			units,
			missingArea: rows.filter((u) => !u.floorArea || u.floorArea <= 0).length
		};
	}
	if (unit === 'household') {
		const keyOf = (p: Participant) => `household:${p.householdId}`;
		const withRep = new Set(people.filter((p) => p.householdRepresentative).map((p) => p.householdId));
		const voters = people
			.filter((p) => !withRep.has(p.householdId) || p.householdRepresentative)
			.map((p) => ({ ...p, key: keyOf(p) }));
		return { voters, keyOf, units: new Map(voters.map((v) => [v.key, 1])), missingArea: 0 };
	}
	const onRoll = (p: Participant) => unit === 'resident' || p.villagerRepresentative;
	const keyOf = (p: Participant) => (onRoll(p) ? `resident:${p.residentId}` : null);
	const voters = people.filter(onRoll).map((p) => ({ ...p, key: keyOf(p)! }));
	return { voters, keyOf, units: new Map(voters.map((v) => [v.key, 1])), missingArea: 0 };
}

/** Refuses a poll whose roll cannot be counted: owners without floor areas, a representatives' roll with nobody on it. */
export function requireUsableRoll(roll: Roll, rules: Pick<PollRules, 'votingUnit'>) {
	if (rules.votingUnit === 'owner' && (roll.missingArea > 0 || roll.units.size === 0))
		throw new DomainError('ROLL_MISSING', { roll: 'floorArea', missing: roll.missingArea });
	if (rules.votingUnit === 'representative' && roll.voters.length === 0)
		throw new DomainError('ROLL_MISSING', { roll: 'representatives' });
}

/** Total weight of the roll (area for owners, else the number of units). */
export function rollWeight(roll: Roll): number {
	let sum = 0;
	for (const w of roll.units.values()) sum += w;
	return sum;
}
