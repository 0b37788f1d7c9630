import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { building, household, resident, user } from '$lib/server/db/schema';
import { buildingScope, can, communityScope, householdScope, loadActor, type Actor } from '$lib/server/authz';
import { documentAccess } from '$lib/server/domain/documents';
import { demoDb } from '../helpers/demo-db';

let db: Db;
const actorOf = (username: string): Actor => {
	const u = db.select().from(user).where(eq(user.username, username)).get()!;
	return loadActor(db, u);
};
/** The actor of a resident living in the n-th building (1-based), as an invitation would create it. */
function residentOf(buildingNo: number): Actor {
	const b = db
		.select()
		.from(building)
		.where(eq(building.name, `${buildingNo}栋`))
		.get()!;
	const r = db
		.select({ id: resident.id, name: resident.name })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.where(eq(household.buildingId, b.id))
		.get()!;
	const existing = db.select().from(user).where(eq(user.residentId, r.id)).get();
	const u =
		existing ??
		db
			.insert(user)
			.values({ communityId: b.communityId, displayName: r.name, residentId: r.id })
			.returning()
			.get();
	return loadActor(db, u);
}

beforeAll(async () => {
	db = await demoDb();
});

describe('authorization helper', () => {
	it('lets the admin manage the roster of their own community only', () => {
		const admin = actorOf('admin');
		expect(can(admin, 'roster.manage', communityScope(admin.communityId))).toBe(true);
		expect(can(admin, 'roster.manage', communityScope(admin.communityId + 1))).toBe(false);
	});

	it('refuses anonymous users everything', () => {
		expect(can(null, 'scope.view', communityScope(1))).toBe(false);
	});

	it('scopes a building head to their building', () => {
		const head = actorOf('building1');
		expect(can(head, 'document.write', buildingScope(db, 1))).toBe(true);
		expect(can(head, 'document.write', buildingScope(db, 2))).toBe(false);
		expect(can(head, 'roster.manage', communityScope(head.communityId))).toBe(false);
		expect(can(head, 'invitation.issue', buildingScope(db, 1))).toBe(true);
		expect(can(head, 'invitation.issue', buildingScope(db, 2))).toBe(false);
	});

	it('covers every building of the estate for an estate-scoped information officer', () => {
		const officer = actorOf('officer');
		for (let b = 1; b <= 7; b++) expect(can(officer, 'invitation.issue', buildingScope(db, b))).toBe(true);
		expect(can(officer, 'document.write', buildingScope(db, 1))).toBe(false);
	});

	it('lets a resident see their own building and community but not another building', () => {
		const r1 = residentOf(1);
		expect(r1.home?.buildingId).toBe(1);
		expect(can(r1, 'scope.view', buildingScope(db, 1))).toBe(true);
		expect(can(r1, 'scope.view', communityScope(r1.communityId))).toBe(true);
		expect(can(r1, 'scope.view', buildingScope(db, 2))).toBe(false);
		expect(can(r1, 'document.write', buildingScope(db, 1))).toBe(false);
		expect(can(r1, 'roster.view', buildingScope(db, 1))).toBe(false);
	});

	it('matches a household scope only for its own household', () => {
		const r1 = residentOf(1);
		expect(can(r1, 'scope.view', householdScope(db, r1.home!.householdId!))).toBe(true);
		expect(can(r1, 'scope.view', householdScope(db, r1.home!.householdId! + 1))).toBe(false);
	});

	it('keeps department liaisons out of residents’ documents', () => {
		const liaison = actorOf('liaison');
		expect(can(liaison, 'document.read', buildingScope(db, 1))).toBe(false);
	});

	it('gives document access by name: write for staff in scope, read for residents, none outside', () => {
		expect(documentAccess(db, actorOf('building1'), 'building:1:notes')).toBe('write');
		expect(documentAccess(db, residentOf(1), 'building:1:notes')).toBe('read');
		expect(documentAccess(db, residentOf(1), 'building:2:notes')).toBe('none');
		expect(documentAccess(db, actorOf('liaison'), 'building:1:notes')).toBe('none');
		expect(() => documentAccess(db, actorOf('admin'), 'building:999:notes')).toThrow('NOT_FOUND');
		expect(() => documentAccess(db, actorOf('admin'), 'meeting:x')).toThrow('NOT_FOUND');
	});
});
