import { describe, expect, it } from 'vitest';
import { countUnits, eligibleParticipants, isAdult, quorumReached } from '$lib/server/domain/eligibility';
import { resident, household } from '$lib/server/db/schema';
import { demoDb } from '../helpers/demo-db';

describe('eligibility and quorum', () => {
	it('counts voting age from the meeting date, and a missing birth year as adult', () => {
		const at = new Date(Date.UTC(2026, 5, 1));
		expect(isAdult(2008, at)).toBe(true);
		expect(isAdult(2009, at)).toBe(false);
		expect(isAdult(null, at)).toBe(true);
	});

	it('counts households once however many members, or every resident', () => {
		const people = [
			{ residentId: 1, householdId: 10 },
			{ residentId: 2, householdId: 10 },
			{ residentId: 3, householdId: 11 }
		];
		expect(countUnits(people, 'household')).toBe(2);
		expect(countUnits(people, 'resident')).toBe(3);
		expect(countUnits([], 'household')).toBe(0);
	});

	it('needs strictly more than half for a quorum', () => {
		expect(quorumReached(3, 6)).toBe(false);
		expect(quorumReached(4, 6)).toBe(true);
		expect(quorumReached(3, 5)).toBe(true);
		expect(quorumReached(2, 5)).toBe(false);
		expect(quorumReached(0, 0)).toBe(false);
	});

	it('takes participants from the scope: a building, the estate, the community', async () => {
		const db = await demoDb();
		const at = new Date(Date.UTC(2026, 0, 1));
		const b1 = eligibleParticipants(db, { communityId: 1, scopeType: 'building', scopeId: 1 }, at);
		expect(b1).toHaveLength(6);
		expect(new Set(b1.map((p) => p.buildingName))).toEqual(new Set(['1栋']));
		expect(eligibleParticipants(db, { communityId: 1, scopeType: 'estate', scopeId: 1 }, at)).toHaveLength(
			42
		);
		expect(eligibleParticipants(db, { communityId: 1, scopeType: 'community', scopeId: 1 }, at)).toHaveLength(
			42
		);
		expect(eligibleParticipants(db, { communityId: 1, scopeType: 'grid', scopeId: 1 }, at)).toHaveLength(42);
		expect(eligibleParticipants(db, { communityId: 2, scopeType: 'building', scopeId: 1 }, at)).toHaveLength(
			0
		);
	});

	it('leaves out children and counts a two-person household once', async () => {
		const db = await demoDb();
		const at = new Date(Date.UTC(2026, 0, 1));
		const h = db.select().from(household).where(undefined).get()!;
		db.insert(resident)
			.values([
				{ householdId: h.id, name: '小明', birthYear: 2015 },
				{ householdId: h.id, name: '王大妈', birthYear: 1950 }
			])
			.run();
		const people = eligibleParticipants(
			db,
			{ communityId: 1, scopeType: 'building', scopeId: h.buildingId },
			at
		);
		expect(people.map((p) => p.name)).not.toContain('小明');
		expect(people.map((p) => p.name)).toContain('王大妈');
		expect(countUnits(people, 'resident')).toBe(7);
		expect(countUnits(people, 'household')).toBe(6);
	});
});
