/**
 * The people and places of the authorization matrix, made on the running server's SQLite file: one
 * account per role and scope (sessions made directly, as a login would, so the login limiter never
 * bites), a second grid with its own building and facilitator, a second community with its own admin,
 * and the meetings the matrix acts on.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import {
	building,
	community,
	department,
	grid,
	household,
	meeting,
	resident,
	roleAssignment,
	user,
	type ScopeType,
	type StaffRole
} from '$lib/server/db/schema';
import { loadActor, type Actor } from '$lib/server/authz';
import { createSession, generateSessionToken } from '$lib/server/session';
import { createMeeting } from '$lib/server/domain/meetings';

/** Every role and scope a cell is checked for. */
export const ROLES = [
	'anonymous',
	'resident',
	'residentOther',
	'groupHead',
	'officer',
	'buildingHead',
	'buildingHeadOther',
	'facilitator',
	'facilitatorOther',
	'committee',
	'liaison',
	'liaisonOther',
	'admin',
	'adminOther'
] as const;
export type Role = (typeof ROLES)[number];

/** What each role is, in the words of the report. */
export const ROLE_NOTES: Record<Role, string> = {
	anonymous: 'no session',
	resident: 'resident of 1栋 (the building of meeting A), household group 1',
	residentOther: 'resident of 2栋',
	groupHead: '五户长 of household group 1 (1栋), a staff account holding only that role',
	officer: '信息员 of 富春小区 (demo `officer`, estate scope)',
	buildingHead: '楼栋长 of 1栋 (demo `building1`)',
	buildingHeadOther: '楼栋长 of 2栋',
	facilitator: 'facilitator of meeting A (demo `facilitator`, community scope)',
	facilitatorOther: 'facilitator of 第二网格 only: runs meeting B, not meeting A',
	committee: '两委 (demo `committee`, community scope)',
	liaison: 'liaison of 县交警大队, the department dispatches go to (demo `liaison`)',
	liaisonOther: 'liaison of 县住建局',
	admin: 'community admin (demo `admin`)',
	adminOther: 'admin of another community (另一社区)'
};

export type World = {
	db: Db;
	communityId: number;
	otherCommunityId: number;
	building1: number;
	building2: number;
	/** 3栋: left alone by the roster rows, so its six households make a known quorum. */
	building3: number;
	grid2: number;
	building8: number;
	group1: number;
	department1: number;
	department2: number;
	/** Residents: the logged-in one of 1栋, another one of 1栋 (no account), one of 2栋 and one of 8栋. */
	residentA: number;
	residentA2: number;
	residentB: number;
	resident8: number;
	userIds: Record<Exclude<Role, 'anonymous'>, number>;
	cookies: Record<Role, string | undefined>;
	actor: (role: Exclude<Role, 'anonymous'>) => Actor;
	/** A new draft meeting of a place, created by the facilitator who may run it. */
	newMeeting: (opts?: { scopeType?: 'building' | 'grid'; scopeId?: number; isPublic?: boolean }) => number;
	/** Meeting A (1栋, live) and meeting B (第二网格, live). */
	meetingA: number;
	meetingB: number;
	joinCode: (meetingId: number) => string;
};

function session(db: Db, userId: number): string {
	const token = generateSessionToken();
	createSession(db, token, userId);
	return `yizhan_session=${token}`;
}

function staffUser(
	db: Db,
	communityId: number,
	username: string,
	displayName: string,
	grants: Array<[StaffRole, ScopeType, number]>
): number {
	const id = db.insert(user).values({ communityId, username, displayName }).returning().get().id;
	for (const [role, scopeType, scopeId] of grants)
		db.insert(roleAssignment).values({ userId: id, role, scopeType, scopeId }).run();
	return id;
}

function residentOf(db: Db, buildingId: number, n: number): number {
	return db
		.select({ id: resident.id })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.where(eq(household.buildingId, buildingId))
		.orderBy(resident.id)
		.all()[n].id;
}

function accountFor(db: Db, communityId: number, residentId: number): number {
	const r = db.select().from(resident).where(eq(resident.id, residentId)).get()!;
	return db.insert(user).values({ communityId, displayName: r.name, residentId }).returning().get().id;
}

export function buildWorld(db: Db): World {
	const communityId = db.select().from(community).get()!.id;
	const byUsername = (u: string) => db.select().from(user).where(eq(user.username, u)).get()!.id;
	const [building1, building2, building3] = db
		.select({ id: building.id })
		.from(building)
		.where(eq(building.communityId, communityId))
		.orderBy(building.id)
		.all()
		.map((b) => b.id);
	const [department1, department2] = db
		.select({ id: department.id })
		.from(department)
		.where(eq(department.communityId, communityId))
		.orderBy(department.id)
		.all()
		.map((d) => d.id);

	// 第二网格 with 8栋: a place the facilitator of another meeting runs, outside 1栋's grid.
	const grid2 = db.insert(grid).values({ communityId, name: '第二网格' }).returning().get().id;
	const building8 = db
		.insert(building)
		.values({ communityId, estateId: null, gridId: grid2, name: '8栋' })
		.returning()
		.get().id;
	const household8 = db
		.insert(household)
		.values({ buildingId: building8, unit: '1单元101' })
		.returning()
		.get().id;
	const resident8 = db
		.insert(resident)
		.values({ householdId: household8, name: '八栋住户' })
		.returning()
		.get().id;

	const residentA = residentOf(db, building1, 0);
	const residentA2 = residentOf(db, building1, 1);
	const residentB = residentOf(db, building2, 0);
	const group1 = db
		.select({ g: household.householdGroupId })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.where(eq(resident.id, residentA))
		.get()!.g!;

	const otherCommunityId = db.insert(community).values({ name: '另一社区' }).returning().get().id;

	const userIds: World['userIds'] = {
		resident: accountFor(db, communityId, residentA),
		residentOther: accountFor(db, communityId, residentB),
		groupHead: staffUser(db, communityId, 'authz-group-head', '五户长 测试', [
			['groupHead', 'householdGroup', group1]
		]),
		officer: byUsername('officer'),
		buildingHead: byUsername('building1'),
		buildingHeadOther: staffUser(db, communityId, 'authz-building2', '2栋楼栋长 测试', [
			['buildingHead', 'building', building2]
		]),
		facilitator: byUsername('facilitator'),
		facilitatorOther: staffUser(db, communityId, 'authz-grid2-facilitator', '第二网格主持人 测试', [
			['facilitator', 'grid', grid2]
		]),
		committee: byUsername('committee'),
		liaison: byUsername('liaison'),
		liaisonOther: staffUser(db, communityId, 'authz-liaison2', '住建局联络员 测试', [
			['departmentLiaison', 'department', department2]
		]),
		admin: byUsername('admin'),
		adminOther: staffUser(db, otherCommunityId, 'authz-other-admin', '另一社区管理员', [
			['admin', 'community', otherCommunityId]
		])
	};
	const cookies = { anonymous: undefined } as World['cookies'];
	for (const [role, id] of Object.entries(userIds)) cookies[role as Role] = session(db, id);

	const actor = (role: Exclude<Role, 'anonymous'>) =>
		loadActor(db, db.select().from(user).where(eq(user.id, userIds[role])).get()!);

	const newMeeting: World['newMeeting'] = (opts = {}) => {
		const scopeType = opts.scopeType ?? 'building';
		const scopeId = opts.scopeId ?? building1;
		const chair = scopeType === 'grid' && scopeId === grid2 ? 'facilitatorOther' : 'facilitator';
		return createMeeting(db, actor(chair), {
			title: '授权矩阵议事会',
			scopeType,
			scopeId,
			startsAt: new Date(),
			place: '楼下',
			votingUnit: 'household',
			isPublic: opts.isPublic ?? true
		});
	};
	const goLive = (id: number) =>
		db.update(meeting).set({ status: 'live', openedAt: new Date() }).where(eq(meeting.id, id)).run();
	const meetingA = newMeeting();
	const meetingB = newMeeting({ scopeType: 'grid', scopeId: grid2 });
	goLive(meetingA);
	goLive(meetingB);

	return {
		db,
		communityId,
		otherCommunityId,
		building1,
		building2,
		building3,
		grid2,
		building8,
		group1,
		department1,
		department2,
		residentA,
		residentA2,
		residentB,
		resident8,
		userIds,
		cookies,
		actor,
		newMeeting,
		meetingA,
		meetingB,
		joinCode: (id) =>
			db
				.select()
				.from(meeting)
				.where(and(eq(meeting.id, id)))
				.get()!.joinCode
	};
}
