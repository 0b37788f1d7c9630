import { describe, it, expect, beforeEach } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { emptyDb } from '../helpers/db-templates';
import { community, roleAssignment, invitation } from '$lib/server/db/schema';
import { loadActor, type Actor } from '$lib/server/authz';
import * as roster from '$lib/server/domain/roster';
import * as q from '$lib/server/domain/roster-queries';
import * as access from '$lib/server/domain/access';
import { createStaffUser, redeemInvitation } from '$lib/server/domain/accounts';
import { DomainError } from '$lib/server/domain/errors';

const code = (f: () => unknown) => {
	try {
		f();
	} catch (e) {
		if (e instanceof DomainError) return e.code + (e.details?.reason ? ':' + e.details.reason : '');
		throw e;
	}
	return 'OK';
};

let db: Db, admin: Actor, other: Actor, c: number, c2: number, adminUserId: number;
beforeEach(async () => {
	db = emptyDb();
	c = db.insert(community).values({ name: 'A' }).returning().get().id;
	c2 = db.insert(community).values({ name: 'B' }).returning().get().id;
	adminUserId = await createStaffUser(db, {
		communityId: c,
		username: 'adm',
		password: '12345678',
		displayName: 'Adm'
	});
	db.insert(roleAssignment)
		.values({ userId: adminUserId, role: 'admin', scopeType: 'community', scopeId: c })
		.run();
	admin = loadActor(db, { id: adminUserId, communityId: c, displayName: 'Adm', residentId: null });
	const o = await createStaffUser(db, {
		communityId: c2,
		username: 'adm2',
		password: '12345678',
		displayName: 'Adm2'
	});
	db.insert(roleAssignment).values({ userId: o, role: 'admin', scopeType: 'community', scopeId: c2 }).run();
	other = loadActor(db, { id: o, communityId: c2, displayName: 'Adm2', residentId: null });
});

describe('roster domain', () => {
	it('creates, renames, protects and deletes places', () => {
		const e = roster.createEstate(db, admin, { name: '富春小区' });
		expect(code(() => roster.createEstate(db, admin, { name: '富春小区' }))).toBe('DUPLICATE');
		const g = roster.createGrid(db, admin, { name: '第一网格', parentGridId: null });
		const g2 = roster.createGrid(db, admin, { name: '微网格', parentGridId: g });
		const b = roster.createBuilding(db, admin, { name: '1栋', estateId: e, gridId: g2 });
		expect(code(() => roster.createBuilding(db, admin, { name: '1栋', estateId: e, gridId: null }))).toBe(
			'DUPLICATE'
		);
		roster.createBuilding(db, admin, { name: '9栋', estateId: null, gridId: null });
		expect(code(() => roster.createBuilding(db, admin, { name: '9栋', estateId: null, gridId: null }))).toBe(
			'DUPLICATE'
		);
		expect(code(() => roster.deleteEstate(db, admin, { estateId: e }))).toBe('IN_USE');
		expect(code(() => roster.deleteGrid(db, admin, { gridId: g }))).toBe('IN_USE'); // has micro-grid
		expect(code(() => roster.renameEstate(db, other, { estateId: e, name: 'x' }))).toBe('NOT_FOUND');
		expect(code(() => roster.createEstate(db, null, { name: 'x' }))).toBe('UNAUTHENTICATED');
		roster.renameBuilding(db, admin, { buildingId: b, name: '2栋' });
		const places = q.listPlaces(db, admin);
		expect(places.buildings.map((x) => x.name)).toEqual(['9栋', '2栋']);
		expect(places.estates[0].buildings).toBe(1);
		roster.deleteBuilding(db, admin, { buildingId: b });
		roster.deleteGrid(db, admin, { gridId: g2 });
		roster.deleteGrid(db, admin, { gridId: g });
		roster.deleteEstate(db, admin, { estateId: e });
		expect(q.countRoster(db, admin)).toMatchObject({ estates: 0, grids: 0, buildings: 1 });
	});

	it('households, residents and groups', () => {
		const b = roster.createBuilding(db, admin, { name: '1栋', estateId: null, gridId: null });
		const grp = roster.createHouseholdGroup(db, admin, { name: '第1联户', headResidentId: null });
		const h = roster.createHousehold(db, admin, { buildingId: b, unit: '101', householdGroupId: grp });
		expect(
			code(() => roster.createHousehold(db, admin, { buildingId: b, unit: '101', householdGroupId: null }))
		).toBe('DUPLICATE');
		const r = roster.createResident(db, admin, { householdId: h, name: '王', phone: null, birthYear: 1950 });
		roster.updateHouseholdGroup(db, admin, { householdGroupId: grp, name: '第1联户', headResidentId: r });
		expect(q.listHouseholdGroups(db, admin)[0]).toMatchObject({
			headName: '王',
			households: [{ label: '1栋 101' }]
		});
		expect(code(() => roster.deleteResident(db, admin, { residentId: r }))).toBe('IN_USE'); // heads the group
		expect(code(() => roster.deleteHousehold(db, admin, { householdId: h }))).toBe('IN_USE');
		expect(code(() => roster.deleteHouseholdGroup(db, admin, { householdGroupId: grp }))).toBe('IN_USE');
		expect(
			code(() => roster.updateResident(db, other, { residentId: r, name: 'x', phone: null, birthYear: null }))
		).toBe('NOT_FOUND');
		roster.updateHouseholdGroup(db, admin, { householdGroupId: grp, name: '一组', headResidentId: null });
		access.issueBuildingCards(db, admin, { buildingId: b });
		roster.deleteResident(db, admin, { residentId: r }); // unused card goes with it
		expect(db.select().from(invitation).all()).toHaveLength(0);
		roster.updateHousehold(db, admin, { householdId: h, unit: '102', householdGroupId: null });
		roster.deleteHouseholdGroup(db, admin, { householdGroupId: grp });
		expect(q.listHouseholds(db, admin, { buildingId: b })).toMatchObject([{ unit: '102', residents: [] }]);
		roster.deleteHousehold(db, admin, { householdId: h });
	});
});

describe('access domain', () => {
	it('validates role scopes and keeps the last admin', async () => {
		const b = roster.createBuilding(db, admin, { name: '1栋', estateId: null, gridId: null });
		const d = roster.createDepartment(db, admin, { name: '交警' });
		const u = await access.createStaff(db, admin, {
			username: 'bh',
			displayName: 'BH',
			password: '12345678'
		});
		await expect(
			access.createStaff(db, admin, { username: 'bh', displayName: 'x', password: '12345678' })
		).rejects.toMatchObject({ code: 'DUPLICATE' });
		expect(
			code(() =>
				access.assignRole(db, admin, { userId: u, role: 'buildingHead', scopeType: 'community', scopeId: c })
			)
		).toBe('INVALID_INPUT');
		expect(
			code(() =>
				access.assignRole(db, admin, { userId: u, role: 'buildingHead', scopeType: 'building', scopeId: 999 })
			)
		).toBe('NOT_FOUND');
		expect(
			code(() =>
				access.assignRole(db, admin, { userId: u, role: 'admin', scopeType: 'community', scopeId: c2 })
			)
		).toBe('NOT_FOUND');
		const ra = access.assignRole(db, admin, {
			userId: u,
			role: 'buildingHead',
			scopeType: 'building',
			scopeId: b
		});
		expect(
			code(() =>
				access.assignRole(db, admin, { userId: u, role: 'buildingHead', scopeType: 'building', scopeId: b })
			)
		).toBe('DUPLICATE');
		access.assignRole(db, admin, {
			userId: u,
			role: 'departmentLiaison',
			scopeType: 'department',
			scopeId: d
		});
		expect(code(() => roster.deleteDepartment(db, admin, { departmentId: d }))).toBe('IN_USE');
		expect(code(() => roster.deleteBuilding(db, admin, { buildingId: b }))).toBe('IN_USE');
		const adminRole = db.select().from(roleAssignment).where(eq(roleAssignment.userId, adminUserId)).get()!
			.id;
		expect(code(() => access.removeRoleAssignment(db, admin, { roleAssignmentId: adminRole }))).toBe(
			'INVALID_INPUT:LAST_ADMIN'
		);
		expect(code(() => access.removeRoleAssignment(db, other, { roleAssignmentId: ra }))).toBe('NOT_FOUND');
		access.removeRoleAssignment(db, admin, { roleAssignmentId: ra });
		expect(access.listStaff(db, admin).map((s) => [s.username, s.roles.length])).toEqual([
			['adm', 1],
			['bh', 1]
		]);
	});

	it('lets a building head issue invitations for their building only', async () => {
		const b1 = roster.createBuilding(db, admin, { name: '1栋', estateId: null, gridId: null });
		const b2 = roster.createBuilding(db, admin, { name: '2栋', estateId: null, gridId: null });
		for (const b of [b1, b2]) {
			const h = roster.createHousehold(db, admin, { buildingId: b, unit: '101', householdGroupId: null });
			roster.createResident(db, admin, { householdId: h, name: 'R' + b, phone: null, birthYear: null });
		}
		const u = await access.createStaff(db, admin, {
			username: 'bh',
			displayName: 'BH',
			password: '12345678'
		});
		access.assignRole(db, admin, { userId: u, role: 'buildingHead', scopeType: 'building', scopeId: b1 });
		const head = loadActor(db, { id: u, communityId: c, displayName: 'BH', residentId: null });
		expect(access.listInvitationBuildings(db, head).map((b) => b.id)).toEqual([b1]);
		expect(access.issueBuildingCards(db, head, { buildingId: b1 }).cards).toHaveLength(1);
		expect(code(() => access.issueBuildingCards(db, head, { buildingId: b2 }))).toBe('FORBIDDEN');
		expect(code(() => access.issueBuildingCards(db, other, { buildingId: b1 }))).toBe('NOT_FOUND');
		expect(code(() => roster.createEstate(db, head, { name: 'x' }))).toBe('FORBIDDEN');
		const again = access.issueBuildingCards(db, admin, { buildingId: b1 });
		const cards = db.select().from(invitation).all();
		expect(cards.filter((i) => i.revokedAt === null)).toHaveLength(1);
		expect(again.building).toBe('1栋');
		const rid = access.listBuildingResidents(db, head, { buildingId: b1 })[0].id;
		expect(access.issueResidentLink(db, head, { residentId: rid }).token).toMatch(/^[a-z2-7]+$/);

		// The resident's account becomes a facilitator: now only the admin may invite it, or the head
		// could log in as them and take the role.
		const { userId: residentUser } = redeemInvitation(
			db,
			access.issueResidentLink(db, admin, { residentId: rid }).token
		);
		access.assignRole(db, admin, {
			userId: residentUser,
			role: 'facilitator',
			scopeType: 'community',
			scopeId: c
		});
		expect(code(() => access.issueResidentLink(db, head, { residentId: rid }))).toBe('FORBIDDEN:HOLDS_ROLE');
		expect(access.issueBuildingCards(db, head, { buildingId: b1 }).cards).toHaveLength(0);
		expect(access.issueBuildingCards(db, admin, { buildingId: b1 }).cards).toHaveLength(1);
	});
});
