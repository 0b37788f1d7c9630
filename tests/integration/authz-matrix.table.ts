/**
 * The authorization matrix: one row per action (form action, page load, endpoint, Socket.IO event, Yjs
 * document read/write), each naming the roles that may do it; every other role must be refused.
 *
 * Adding a row: give the inventory id (`action /route?/key`, `load page /route`, `GET /route`,
 * `socket event`, `yjs read|write kind`), the roles allowed, `run` (one request as that role) and, for
 * anything that changes state, `effect` (did it happen?) and `prepare` (a fresh target per cell, so an
 * allowed cell never spoils the next one). The test fails for an action in src/ without a row.
 */
import { and, count, eq, isNotNull, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { createStaffUser, issueInvitation } from '$lib/server/domain/accounts';
import {
	attendance,
	building,
	department,
	estate,
	grid,
	household,
	householdGroup,
	invitation,
	meeting,
	poll,
	pollVote,
	proposal,
	proposalSecond,
	resident,
	roleAssignment,
	session,
	speakerRequest,
	user
} from '$lib/server/db/schema';
import { dispatch, followUp, followUpUpdate } from '$lib/server/db/schema-followup';
import { minutes, minutesSignature } from '$lib/server/db/schema-followup';
import { createSession, generateSessionToken, hashToken } from '$lib/server/session';
import { makeReceipt } from '$lib/receipt';
import { handCountEntry, meetingNotice, proxy } from '$lib/server/db/schema';
import { rating } from '$lib/server/db/schema-followup';
import { rulesComment, rulesPoll, rulesPublication, rulesVersion } from '$lib/server/db/schema-rules';
import { recordWrittenProxy } from '$lib/server/domain/proxies';
import { saveSummary } from '$lib/server/domain/minutes';
import { markAttendance } from '$lib/server/domain/attendance';
import { pointEntry, pointRule } from '$lib/server/db/schema';
import { grantBaseFor, pointsYear } from '$lib/server/domain/points';
import { ruleByCode } from '$lib/server/domain/points-rules';
import { get, postAction, yjsProbe, type Outcome } from '../helpers/authz-probe';
import { ROLES, type Role } from '../helpers/authz-world';
import {
	closeOpenPolls,
	liveMeeting,
	newDispatch,
	newProposal,
	newSuggestion,
	openPoll,
	passedResolution,
	pollPayload,
	type Ctx
} from '../helpers/authz-fixtures';

export type Row<P = unknown> = {
	/** The inventory id this row covers (see tests/helpers/authz-inventory.ts). */
	id: string;
	/** A second row for the same action in another scope (e.g. the other grid's meeting). */
	variant?: string;
	/** Roles that may; every other role must be refused. */
	allow: readonly Role[];
	/** Makes what one cell acts on (a fresh building to delete, a fresh poll to vote in). */
	prepare?: (ctx: Ctx, role: Role) => P | Promise<P>;
	run: (ctx: Ctx, role: Role, p: P) => Promise<Outcome>;
	/** Did the action take effect? Must hold after an allowed cell and not after a refused one. */
	effect?: (ctx: Ctx, p: P, role: Role) => boolean;
	/**
	 * A refusal that comes out as another code for some roles (a check on the input that runs before
	 * the role check). Accepted only with nothing changed, and listed in the report as a finding.
	 */
	refusedWith?: Partial<Record<Role, string>>;
	/** Why the row is as it is, for the report. */
	note?: string;
};

/** A row whose `prepare` result types `run` and `effect`. */
const row = <P>(r: Row<P>): Row => r as Row;

// ── role sets ───────────────────────────────────────────────────────────────────────────────────

const EVERYONE = ROLES;
const except = (...out: Role[]) => ROLES.filter((r) => !out.includes(r));
/** Any account of the demo community. */
const MEMBERS = except('anonymous', 'adminOther');
/** Any logged-in account, of either community. */
const LOGGED_IN = except('anonymous');
const ADMIN = ['admin'] as const satisfies Role[];
/**
 * Creating needs no target: an admin creates in their own community, so the other community's admin
 * may too (the effect is looked up by a name unique to the cell, wherever it landed).
 */
const ANY_ADMIN = ['admin', 'adminOther'] as const satisfies Role[];
/** meeting.manage on 1栋 (meeting A): admin, facilitator (community), 楼栋长 of 1栋. */
const MANAGE_A = ['admin', 'facilitator', 'buildingHead'] as const satisfies Role[];
/** meeting.view on 1栋: staff whose scope covers it and its residents. */
const VIEW_A = [
	'resident',
	'groupHead',
	'officer',
	'buildingHead',
	'facilitator',
	'committee',
	'admin'
] as const satisfies Role[];

/**
 * What a 五户长 may see is scoped to their household group, and a meeting, its agenda and its building
 * notes are scoped to a building or wider, which no group contains: so the group head is refused even
 * where `meeting.view` names the role (reported as a gap, not a hole).
 */
const VIEW_NO_GROUP = VIEW_A.filter((r) => r !== 'groupHead');

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────

const act = (ctx: Ctx, role: Role, path: string, fields: Record<string, string | string[] | Blob> = {}) =>
	postAction(ctx.url, path, fields, ctx.cookie(role));
const page = (ctx: Ctx, role: Role, path: string) => get(ctx.url, path, ctx.cookie(role));
const emit = (ctx: Ctx, role: Role, event: string, payload: unknown) =>
	ctx.sockets.emit(ctx.cookie(role), event, payload);

const db = (ctx: Ctx) => ctx.w.db;
let counter = 0;
/** A place's name, for the rename rows: each named table has `id` and `name` columns. */
type Named =
	typeof estate | typeof grid | typeof building | typeof department | typeof householdGroup | typeof resident;
const nameOf = (ctx: Ctx, table: Named, id: number): string | undefined =>
	db(ctx).select({ name: table.name }).from(table).where(eq(table.id, id)).get()?.name;

const newEstate = (ctx: Ctx) =>
	db(ctx)
		.insert(estate)
		.values({ communityId: ctx.w.communityId, name: `小区${ctx.uniq()}` })
		.returning()
		.get().id;
const newGrid = (ctx: Ctx) =>
	db(ctx)
		.insert(grid)
		.values({ communityId: ctx.w.communityId, name: `网格${ctx.uniq()}` })
		.returning()
		.get().id;
const newBuilding = (ctx: Ctx) =>
	db(ctx)
		.insert(building)
		.values({ communityId: ctx.w.communityId, estateId: 1, gridId: 1, name: `楼${ctx.uniq()}` })
		.returning()
		.get().id;
const newDepartment = (ctx: Ctx) =>
	db(ctx)
		.insert(department)
		.values({ communityId: ctx.w.communityId, name: `部门${ctx.uniq()}` })
		.returning()
		.get().id;
const newGroup = (ctx: Ctx) =>
	db(ctx)
		.insert(householdGroup)
		.values({ communityId: ctx.w.communityId, name: `联户${ctx.uniq()}` })
		.returning()
		.get().id;
const newHousehold = (ctx: Ctx, buildingId = ctx.w.building1) =>
	db(ctx)
		.insert(household)
		.values({ buildingId, unit: `9单元${ctx.uniq()}` })
		.returning()
		.get().id;
const newResident = (ctx: Ctx) =>
	db(ctx)
		.insert(resident)
		.values({ householdId: newHousehold(ctx), name: `新住户${ctx.uniq()}` })
		.returning()
		.get().id;
const exists = (ctx: Ctx, table: SQLiteTable, where: SQL | undefined) =>
	db(ctx).select({ n: count() }).from(table).where(where).get()!.n > 0;
const gone = (ctx: Ctx, table: SQLiteTable, where: SQL | undefined) => !exists(ctx, table, where);

const meetingStatus = (ctx: Ctx, id: number) =>
	db(ctx).select().from(meeting).where(eq(meeting.id, id)).get()!;

/** A fresh session for a role's account, for actions that end it. */
const freshSession = (ctx: Ctx, role: Role) => {
	if (role === 'anonymous') return { cookie: undefined, id: '' };
	const token = generateSessionToken();
	const s = createSession(db(ctx), token, ctx.w.userIds[role]);
	return { cookie: `yizhan_session=${token}`, id: s.id };
};

// ── roster (社区管理) ────────────────────────────────────────────────────────────────────────────

const placeRows: Row[] = [
	row<{ name: string }>({
		id: 'action /admin/buildings?/createEstate',
		allow: ANY_ADMIN,
		prepare: (ctx) => ({ name: `新小区${ctx.uniq()}` }),
		run: (ctx, r, p) => act(ctx, r, '/admin/buildings?/createEstate', { name: p.name }),
		effect: (ctx, p) => exists(ctx, estate, eq(estate.name, p.name))
	}),
	row<{ id: number; name: string }>({
		id: 'action /admin/buildings?/renameEstate',
		allow: ADMIN,
		prepare: (ctx) => ({ id: newEstate(ctx), name: `改名${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/buildings?/renameEstate', { estateId: String(p.id), name: p.name }),
		effect: (ctx, p) => nameOf(ctx, estate, p.id) === p.name
	}),
	row<number>({
		id: 'action /admin/buildings?/deleteEstate',
		allow: ADMIN,
		prepare: newEstate,
		run: (ctx, r, id) => act(ctx, r, '/admin/buildings?/deleteEstate', { estateId: String(id) }),
		effect: (ctx, id) => gone(ctx, estate, eq(estate.id, id))
	}),
	row<{ name: string }>({
		id: 'action /admin/buildings?/createGrid',
		allow: ANY_ADMIN,
		prepare: (ctx) => ({ name: `新网格${ctx.uniq()}` }),
		run: (ctx, r, p) => act(ctx, r, '/admin/buildings?/createGrid', { name: p.name, parentGridId: '' }),
		effect: (ctx, p) => exists(ctx, grid, eq(grid.name, p.name))
	}),
	row<{ id: number; name: string }>({
		id: 'action /admin/buildings?/renameGrid',
		allow: ADMIN,
		prepare: (ctx) => ({ id: newGrid(ctx), name: `改名${ctx.uniq()}` }),
		run: (ctx, r, p) => act(ctx, r, '/admin/buildings?/renameGrid', { gridId: String(p.id), name: p.name }),
		effect: (ctx, p) => nameOf(ctx, grid, p.id) === p.name
	}),
	row<number>({
		id: 'action /admin/buildings?/deleteGrid',
		allow: ADMIN,
		prepare: newGrid,
		run: (ctx, r, id) => act(ctx, r, '/admin/buildings?/deleteGrid', { gridId: String(id) }),
		effect: (ctx, id) => gone(ctx, grid, eq(grid.id, id))
	}),
	row<{ name: string }>({
		id: 'action /admin/buildings?/createBuilding',
		allow: ADMIN,
		prepare: (ctx) => ({ name: `新楼${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/buildings?/createBuilding', { name: p.name, estateId: '1', gridId: '1' }),
		effect: (ctx, p) => exists(ctx, building, eq(building.name, p.name))
	}),
	row<{ id: number; name: string }>({
		id: 'action /admin/buildings?/renameBuilding',
		allow: ADMIN,
		prepare: (ctx) => ({ id: newBuilding(ctx), name: `改名${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/buildings?/renameBuilding', { buildingId: String(p.id), name: p.name }),
		effect: (ctx, p) => nameOf(ctx, building, p.id) === p.name
	}),
	row<number>({
		id: 'action /admin/buildings?/deleteBuilding',
		allow: ADMIN,
		prepare: newBuilding,
		run: (ctx, r, id) => act(ctx, r, '/admin/buildings?/deleteBuilding', { buildingId: String(id) }),
		effect: (ctx, id) => gone(ctx, building, eq(building.id, id))
	}),
	row<{ name: string }>({
		id: 'action /admin/departments?/createDepartment',
		allow: ANY_ADMIN,
		prepare: (ctx) => ({ name: `新部门${ctx.uniq()}` }),
		run: (ctx, r, p) => act(ctx, r, '/admin/departments?/createDepartment', { name: p.name }),
		effect: (ctx, p) => exists(ctx, department, eq(department.name, p.name))
	}),
	row<{ id: number; name: string }>({
		id: 'action /admin/departments?/renameDepartment',
		allow: ADMIN,
		prepare: (ctx) => ({ id: newDepartment(ctx), name: `改名${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/departments?/renameDepartment', { departmentId: String(p.id), name: p.name }),
		effect: (ctx, p) => nameOf(ctx, department, p.id) === p.name
	}),
	row<number>({
		id: 'action /admin/departments?/deleteDepartment',
		allow: ADMIN,
		prepare: newDepartment,
		run: (ctx, r, id) => act(ctx, r, '/admin/departments?/deleteDepartment', { departmentId: String(id) }),
		effect: (ctx, id) => gone(ctx, department, eq(department.id, id))
	}),
	row<{ name: string }>({
		id: 'action /admin/groups?/createGroup',
		allow: ANY_ADMIN,
		prepare: (ctx) => ({ name: `新联户${ctx.uniq()}` }),
		run: (ctx, r, p) => act(ctx, r, '/admin/groups?/createGroup', { name: p.name, headResidentId: '' }),
		effect: (ctx, p) => exists(ctx, householdGroup, eq(householdGroup.name, p.name))
	}),
	row<{ id: number; name: string }>({
		id: 'action /admin/groups?/updateGroup',
		allow: ADMIN,
		prepare: (ctx) => ({ id: newGroup(ctx), name: `改名${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/groups?/updateGroup', {
				householdGroupId: String(p.id),
				name: p.name,
				headResidentId: ''
			}),
		effect: (ctx, p) => nameOf(ctx, householdGroup, p.id) === p.name
	}),
	row<number>({
		id: 'action /admin/groups?/deleteGroup',
		allow: ADMIN,
		prepare: newGroup,
		run: (ctx, r, id) => act(ctx, r, '/admin/groups?/deleteGroup', { householdGroupId: String(id) }),
		effect: (ctx, id) => gone(ctx, householdGroup, eq(householdGroup.id, id))
	})
];

const householdRows: Row[] = [
	row<{ unit: string }>({
		id: 'action /admin/households?/createHousehold',
		allow: ADMIN,
		prepare: (ctx) => ({ unit: `8单元${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/households?/createHousehold', {
				buildingId: String(ctx.w.building1),
				unit: p.unit,
				householdGroupId: ''
			}),
		effect: (ctx, p) => exists(ctx, household, eq(household.unit, p.unit))
	}),
	row<{ id: number; unit: string }>({
		id: 'action /admin/households?/updateHousehold',
		allow: ADMIN,
		prepare: (ctx) => ({ id: newHousehold(ctx), unit: `7单元${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/households?/updateHousehold', {
				householdId: String(p.id),
				unit: p.unit,
				householdGroupId: ''
			}),
		effect: (ctx, p) => exists(ctx, household, and(eq(household.id, p.id), eq(household.unit, p.unit)))
	}),
	row<number>({
		id: 'action /admin/households?/deleteHousehold',
		allow: ADMIN,
		prepare: (ctx) => newHousehold(ctx),
		run: (ctx, r, id) => act(ctx, r, '/admin/households?/deleteHousehold', { householdId: String(id) }),
		effect: (ctx, id) => gone(ctx, household, eq(household.id, id))
	}),
	row<{ householdId: number; name: string }>({
		id: 'action /admin/households?/createResident',
		allow: ADMIN,
		prepare: (ctx) => ({ householdId: newHousehold(ctx), name: `住户${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/households?/createResident', {
				householdId: String(p.householdId),
				name: p.name,
				phone: '',
				birthYear: '1960'
			}),
		effect: (ctx, p) => exists(ctx, resident, eq(resident.name, p.name))
	}),
	row<{ id: number; name: string }>({
		id: 'action /admin/households?/updateResident',
		allow: ADMIN,
		prepare: (ctx) => ({ id: newResident(ctx), name: `改名${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/households?/updateResident', {
				residentId: String(p.id),
				name: p.name,
				phone: '',
				birthYear: '1960'
			}),
		effect: (ctx, p) => nameOf(ctx, resident, p.id) === p.name
	}),
	row<number>({
		id: 'action /admin/households?/deleteResident',
		allow: ADMIN,
		prepare: newResident,
		run: (ctx, r, id) => act(ctx, r, '/admin/households?/deleteResident', { residentId: String(id) }),
		effect: (ctx, id) => gone(ctx, resident, eq(resident.id, id))
	}),
	row<number>({
		id: 'action /admin/households?/setOwnership',
		allow: ADMIN,
		prepare: (ctx) => (closeOpenPolls(ctx), newHousehold(ctx)),
		run: (ctx, r, id) =>
			act(ctx, r, '/admin/households?/setOwnership', {
				householdId: String(id),
				floorArea: '88.5',
				ownerKey: `O-${id}`
			}),
		effect: (ctx, id) => exists(ctx, household, and(eq(household.id, id), eq(household.ownerKey, `O-${id}`)))
	}),
	row<number>({
		id: 'action /admin/households?/setRollFlags',
		allow: ADMIN,
		prepare: (ctx) => (closeOpenPolls(ctx), newResident(ctx)),
		run: (ctx, r, id) =>
			act(ctx, r, '/admin/households?/setRollFlags', {
				residentId: String(id),
				adult: 'yes',
				villagerRepresentative: 'on'
			}),
		effect: (ctx, id) =>
			exists(ctx, resident, and(eq(resident.id, id), eq(resident.villagerRepresentative, true)))
	}),
	row<{ name: string }>({
		id: 'action /admin/import?/default',
		allow: ANY_ADMIN,
		prepare: (ctx) => ({ name: `导入${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/import', {
				file: new Blob([`小区,楼栋,门牌,姓名\n富春小区,1栋,6单元${p.name},${p.name}\n`], { type: 'text/csv' })
			}),
		effect: (ctx, p) => exists(ctx, resident, eq(resident.name, p.name))
	})
];

const staffRows: Row[] = [
	row<{ username: string }>({
		id: 'action /admin/staff?/createStaff',
		allow: ANY_ADMIN,
		prepare: (ctx) => ({ username: `staff-${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/staff?/createStaff', {
				username: p.username,
				displayName: '新同事',
				password: 'long-enough-password'
			}),
		effect: (ctx, p) => exists(ctx, user, eq(user.username, p.username))
	}),
	row<{ userId: number }>({
		id: 'action /admin/staff?/assignRole',
		allow: ADMIN,
		prepare: (ctx) => ({
			userId: db(ctx)
				.insert(user)
				.values({ communityId: ctx.w.communityId, username: `role-${ctx.uniq()}`, displayName: '待授权' })
				.returning()
				.get().id
		}),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/staff?/assignRole', {
				userId: String(p.userId),
				role: 'facilitator',
				scope: `community:${ctx.w.communityId}`
			}),
		effect: (ctx, p) => exists(ctx, roleAssignment, eq(roleAssignment.userId, p.userId))
	}),
	row<{ assignmentId: number }>({
		id: 'action /admin/staff?/removeRole',
		allow: ADMIN,
		prepare: (ctx) => {
			const userId = db(ctx)
				.insert(user)
				.values({ communityId: ctx.w.communityId, username: `unrole-${ctx.uniq()}`, displayName: '待撤销' })
				.returning()
				.get().id;
			return {
				assignmentId: db(ctx)
					.insert(roleAssignment)
					.values({ userId, role: 'committee', scopeType: 'community', scopeId: ctx.w.communityId })
					.returning()
					.get().id
			};
		},
		run: (ctx, r, p) => act(ctx, r, '/admin/staff?/removeRole', { roleAssignmentId: String(p.assignmentId) }),
		effect: (ctx, p) => gone(ctx, roleAssignment, eq(roleAssignment.id, p.assignmentId))
	}),
	row<{ userId: number }>({
		id: 'action /admin/staff?/deleteAccount',
		allow: ADMIN,
		prepare: (ctx) => ({
			userId: db(ctx)
				.insert(user)
				.values({ communityId: ctx.w.communityId, username: `gone-${ctx.uniq()}`, displayName: '待删除' })
				.returning()
				.get().id
		}),
		run: (ctx, r, p) => act(ctx, r, '/admin/staff?/deleteAccount', { userId: String(p.userId) }),
		effect: (ctx, p) => exists(ctx, user, and(eq(user.id, p.userId), isNotNull(user.disabledAt)))
	}),
	row<{ before: number }>({
		id: 'action /admin/invitations?/cards',
		// invitation.issue on 1栋: the admin, 1栋's 楼栋长 and the estate's 信息员.
		allow: ['admin', 'buildingHead', 'officer'],
		prepare: (ctx) => ({ before: invitationsOf(ctx) }),
		run: (ctx, r) => act(ctx, r, '/admin/invitations?/cards', { buildingId: String(ctx.w.building1) }),
		effect: (ctx, p) => invitationsOf(ctx) > p.before
	}),
	row<{ before: number }>({
		id: 'action /admin/invitations?/link',
		allow: ['admin', 'buildingHead', 'officer'],
		prepare: (ctx) => ({ before: invitationsOf(ctx) }),
		run: (ctx, r) => act(ctx, r, '/admin/invitations?/link', { residentId: String(ctx.w.residentA2) }),
		effect: (ctx, p) => invitationsOf(ctx) > p.before
	})
];

function invitationsOf(ctx: Ctx): number {
	return db(ctx).select({ n: count() }).from(invitation).get()!.n;
}

// ── meetings ────────────────────────────────────────────────────────────────────────────────────

const meetingRows: Row[] = [
	row<{ title: string }>({
		id: 'action /meetings/new?/default',
		allow: MANAGE_A,
		prepare: (ctx) => ({ title: `新议事会${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/meetings/new', {
				title: p.title,
				scope: `building:${ctx.w.building1}`,
				startsAt: '2030-05-01T19:00',
				place: '1栋楼下',
				votingUnit: 'household',
				isPublic: 'on'
			}),
		effect: (ctx, p) => exists(ctx, meeting, eq(meeting.title, p.title))
	}),
	row<number>({
		id: 'action /meetings/[id]?/open',
		allow: MANAGE_A,
		prepare: (ctx) => ctx.w.newMeeting(),
		run: (ctx, r, id) => act(ctx, r, `/meetings/${id}?/open`),
		effect: (ctx, id) => meetingStatus(ctx, id).status === 'live'
	}),
	row<number>({
		id: 'action /meetings/[id]?/checkInMode',
		allow: MANAGE_A,
		prepare: (ctx) => ctx.w.newMeeting(),
		run: (ctx, r, id) => act(ctx, r, `/meetings/${id}?/checkInMode`, { rotating: 'on' }),
		effect: (ctx, id) => meetingStatus(ctx, id).rotatingCheckIn
	}),
	row<number>({
		id: 'action /meetings/[id]?/reschedule',
		allow: MANAGE_A,
		prepare: (ctx) => ctx.w.newMeeting(),
		run: (ctx, r, id) =>
			act(ctx, r, `/meetings/${id}?/reschedule`, { startsAt: '2030-06-01T19:00', place: '社区活动室' }),
		effect: (ctx, id) =>
			exists(ctx, meetingNotice, and(eq(meetingNotice.meetingId, id), eq(meetingNotice.version, 2)))
	}),
	row<{ summary: string; meetingId: number }>({
		id: 'action /meetings/[id]/minutes?/save',
		allow: MANAGE_A,
		prepare: (ctx) => ({ summary: `纪要${ctx.uniq()}`, meetingId: ctx.w.meetingA }),
		run: (ctx, r, p) => act(ctx, r, `/meetings/${p.meetingId}/minutes?/save`, { summary: p.summary }),
		effect: (ctx, p) => exists(ctx, minutes, eq(minutes.summary, p.summary))
	})
];

// ── proposals ───────────────────────────────────────────────────────────────────────────────────

const proposalRows: Row[] = [
	row<{ title: string }>({
		id: 'action /proposals/new?/default',
		// Residents file for themselves; 信息员, 五户长, 楼栋长 and the admin for a named resident of 1栋.
		allow: ['resident', 'residentOther', 'groupHead', 'officer', 'buildingHead', 'admin'],
		prepare: (ctx) => ({ title: `诉求${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/proposals/new', {
				title: p.title,
				description: '楼下路灯坏了',
				category: 'facilities',
				about: r === 'residentOther' ? `building:${ctx.w.building2}` : `building:${ctx.w.building1}`,
				forResidentId: ['resident', 'residentOther'].includes(r) ? '' : String(ctx.w.residentA2)
			}),
		effect: (ctx, p) => exists(ctx, proposal, eq(proposal.title, p.title))
	}),
	row<number>({
		id: 'action /proposals/[id]?/second',
		// 附议: neighbours in scope (the proposal is about 1栋).
		allow: ['resident'],
		prepare: newProposal,
		run: (ctx, r, id) => act(ctx, r, `/proposals/${id}?/second`),
		effect: (ctx, id) => exists(ctx, proposalSecond, eq(proposalSecond.proposalId, id))
	}),
	row<number>({
		id: 'action /proposals/[id]?/decline',
		allow: ['admin', 'facilitator', 'committee'],
		prepare: newProposal,
		run: (ctx, r, id) => act(ctx, r, `/proposals/${id}?/decline`, { reason: '不属于议事范围' }),
		effect: (ctx, id) => exists(ctx, proposal, and(eq(proposal.id, id), eq(proposal.status, 'declined')))
	}),
	row<{ id: number; into: number }>({
		id: 'action /proposals/[id]?/merge',
		allow: ['admin', 'facilitator', 'committee'],
		// mergeProposal checks the target's community before the role: refused, but as bad input.
		refusedWith: { anonymous: 'INVALID_INPUT', adminOther: 'INVALID_INPUT' },
		prepare: (ctx) => ({ id: newProposal(ctx), into: newProposal(ctx) }),
		run: (ctx, r, p) => act(ctx, r, `/proposals/${p.id}?/merge`, { intoId: String(p.into) }),
		effect: (ctx, p) => exists(ctx, proposal, and(eq(proposal.id, p.id), eq(proposal.status, 'merged')))
	}),
	row<{ id: number; meetingId: number }>({
		id: 'action /proposals/[id]?/agenda',
		// Putting a proposal on an agenda is editing that agenda (agenda.edit on the meeting's place).
		allow: ['admin', 'facilitator', 'committee', 'buildingHead'],
		prepare: (ctx) => ({ id: newProposal(ctx), meetingId: ctx.w.newMeeting() }),
		run: (ctx, r, p) => act(ctx, r, `/proposals/${p.id}?/agenda`, { meetingId: String(p.meetingId) }),
		effect: (ctx, p) => exists(ctx, proposal, and(eq(proposal.id, p.id), eq(proposal.status, 'onAgenda')))
	})
];

// ── voting by form, follow-ups, dispatches ─────────────────────────────────────────────────────

const followRows: Row[] = [
	row<{ meetingId: number; pollId: number }>({
		id: 'action /m/[id]/poll/[pollId]?/cast',
		// Without JavaScript: the eligible resident's own ballot; nobody votes in another's name here.
		allow: ['resident'],
		prepare: (ctx) => openPoll(ctx),
		run: (ctx, r, p) => act(ctx, r, `/m/${p.meetingId}/poll/${p.pollId}?/cast`, { choice: 'yes' }),
		effect: (ctx, p) => exists(ctx, pollVote, eq(pollVote.pollId, p.pollId))
	}),
	row<{ due: string }>({
		id: 'action /followups/[id]?/assign',
		allow: ['admin', 'facilitator'],
		prepare: () => ({ due: `2031-0${1 + (counter++ % 9)}-1${counter % 10}` }),
		run: (ctx, r, p) =>
			act(ctx, r, `/followups/${ctx.fx.followUpId}?/assign`, {
				kind: 'department',
				ownerDepartmentId: String(ctx.w.department1),
				ownerUserId: '',
				dueOn: p.due
			}),
		effect: (ctx, p) =>
			exists(ctx, followUp, and(eq(followUp.id, ctx.fx.followUpId), eq(followUp.dueOn, p.due)))
	}),
	row<{ before: number }>({
		id: 'action /followups/[id]?/report',
		// The owner (here the department, so its liaison) reports progress.
		allow: ['liaison'],
		prepare: (ctx) => {
			db(ctx)
				.update(followUp)
				.set({ ownerDepartmentId: ctx.w.department1, ownerUserId: null, dueOn: '2030-01-01' })
				.where(eq(followUp.id, ctx.fx.followUpId))
				.run();
			return { before: updatesOf(ctx, ctx.fx.followUpId) };
		},
		run: (ctx, r) =>
			act(ctx, r, `/followups/${ctx.fx.followUpId}?/report`, { text: '已联系施工队', percent: '30' }),
		effect: (ctx, p) => updatesOf(ctx, ctx.fx.followUpId) > p.before
	}),
	row<number>({
		id: 'action /followups/[id]?/rate',
		// 评议: residents in the meeting's scope, once each per round.
		allow: ['resident'],
		prepare: (ctx) => ratingsOf(ctx),
		run: (ctx, r) =>
			act(ctx, r, `/followups/${ctx.fx.ratedFollowUpId}?/rate`, { grade: 'satisfied', comment: '' }),
		effect: (ctx, before) => ratingsOf(ctx) > before
	}),
	row<{ before: number }>({
		id: 'action /followups/[id]?/dispatch',
		allow: ['admin', 'facilitator'],
		prepare: (ctx) => ({ before: dispatchesOf(ctx) }),
		run: (ctx, r) =>
			act(ctx, r, `/followups/${ctx.fx.followUpId}?/dispatch`, {
				resolutionId: String(ctx.fx.resolutionId),
				departmentId: String(ctx.w.department1),
				message: '请协助',
				deadline: '2030-01-01'
			}),
		effect: (ctx, p) => dispatchesOf(ctx) > p.before
	}),
	row<number>({
		id: 'action /dispatches/[id]?/default',
		// 派单 handling: only the liaison of the department it was sent to (accept shown here).
		allow: ['liaison'],
		prepare: (ctx) => newDispatch(ctx, ctx.fx.resolutionId),
		run: (ctx, r, id) => act(ctx, r, `/dispatches/${id}`, { step: 'accept', text: '' }),
		effect: (ctx, id) => exists(ctx, dispatch, and(eq(dispatch.id, id), eq(dispatch.status, 'accepted')))
	})
];

const updatesOf = (ctx: Ctx, id: number) =>
	db(ctx).select({ n: count() }).from(followUpUpdate).where(eq(followUpUpdate.followUpId, id)).get()!.n;
const ratingsOf = (ctx: Ctx) =>
	db(ctx).select({ n: count() }).from(rating).where(eq(rating.followUpId, ctx.fx.ratedFollowUpId)).get()!.n;
const dispatchesOf = (ctx: Ctx) => db(ctx).select({ n: count() }).from(dispatch).get()!.n;

// ── rules, session, settings ────────────────────────────────────────────────────────────────────

const rulesRows: Row[] = [
	row<{ name: string }>({
		id: 'action /rules/versions?/save',
		// Each admin saves a version of their own community's draft.
		allow: ['admin', 'committee', 'adminOther'],
		prepare: (ctx) => ({ name: `第${ctx.uniq()}稿` }),
		run: (ctx, r, p) => act(ctx, r, '/rules/versions?/save', { name: p.name }),
		effect: (ctx, p) => exists(ctx, rulesVersion, eq(rulesVersion.name, p.name))
	}),
	row<{ body: string }>({
		id: 'action /rules/comments?/add',
		// rules.comment on the community: residents, and staff whose role covers the whole community
		// (each admin comments on their own community's draft).
		allow: ['resident', 'residentOther', 'facilitator', 'committee', 'admin', 'adminOther'],
		prepare: (ctx) => ({ body: `建议写明时间${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/rules/comments?/add', { clauseId: 'c1', kind: 'comment', body: p.body }),
		effect: (ctx, p) => exists(ctx, rulesComment, eq(rulesComment.body, p.body)),
		note: 'officer (estate), 楼栋长 (building) and 五户长 (group) hold rules.comment but not on the community: refused'
	}),
	row<{ parent: number; body: string }>({
		id: 'action /rules/comments?/reply',
		// Answering comments is the drafting committee's.
		allow: ['admin', 'committee'],
		prepare: (ctx) => ({ parent: newSuggestion(ctx), body: `答复${ctx.uniq()}` }),
		run: (ctx, r, p) => act(ctx, r, '/rules/comments?/reply', { parentId: String(p.parent), body: p.body }),
		effect: (ctx, p) => exists(ctx, rulesComment, eq(rulesComment.body, p.body))
	}),
	row<number>({
		id: 'action /rules/comments?/accept',
		allow: ['admin', 'committee'],
		prepare: newSuggestion,
		run: (ctx, r, id) => act(ctx, r, '/rules/comments?/accept', { id: String(id) }),
		effect: (ctx, id) =>
			exists(ctx, rulesComment, and(eq(rulesComment.id, id), eq(rulesComment.status, 'accepted')))
	}),
	row<number>({
		id: 'action /rules/comments?/decline',
		allow: ['admin', 'committee'],
		prepare: newSuggestion,
		run: (ctx, r, id) => act(ctx, r, '/rules/comments?/decline', { id: String(id), reason: '不采纳' }),
		effect: (ctx, id) =>
			exists(ctx, rulesComment, and(eq(rulesComment.id, id), eq(rulesComment.status, 'declined')))
	}),
	row<number>({
		id: 'action /rules/adopt?/vote',
		// The rules bind the community: meeting.manage on the community as well as on the meeting.
		allow: ['admin', 'facilitator'],
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => act(ctx, r, '/rules/adopt?/vote', { meetingId: String(id), scope: 'whole' }),
		effect: (ctx, id) => exists(ctx, poll, eq(poll.meetingId, id))
	}),
	row<{ resolutionId: number }>({
		id: 'action /rules/adopt?/publish',
		allow: ['admin', 'committee'],
		prepare: async (ctx) => {
			const { resolutionId, pollId } = await passedResolution(ctx);
			const v = db(ctx)
				.select()
				.from(rulesVersion)
				.where(eq(rulesVersion.communityId, ctx.w.communityId))
				.get()!;
			db(ctx)
				.insert(rulesPoll)
				.values({ pollId, communityId: ctx.w.communityId, versionId: v.id, clauseIds: null })
				.run();
			return { resolutionId };
		},
		run: (ctx, r, p) =>
			act(ctx, r, '/rules/adopt?/publish', {
				resolutionId: String(p.resolutionId),
				effectiveFrom: '2030-01-01'
			}),
		effect: (ctx, p) => exists(ctx, rulesPublication, eq(rulesPublication.resolutionId, p.resolutionId)),
		note: 'the passed poll is marked a whole-rules vote directly on the database'
	}),
	row<number>({
		id: 'action /meetings/[id]?/recordProxy',
		allow: MANAGE_A,
		prepare: (ctx) => villageElection(ctx),
		run: (ctx, r, id) =>
			act(ctx, r, `/meetings/${id}?/recordProxy`, {
				grantorResidentId: String(ctx.w.residentA),
				proxyResidentId: String(ctx.w.residentA2),
				relation: 'spouse'
			}),
		effect: (ctx, id) => exists(ctx, proxy, eq(proxy.meetingId, id))
	}),
	row<number>({
		id: 'action /meetings/[id]?/withdrawProxy',
		allow: MANAGE_A,
		prepare: (ctx) => {
			const id = villageElection(ctx);
			recordWrittenProxy(db(ctx), ctx.w.actor('facilitator'), {
				meetingId: id,
				grantorResidentId: ctx.w.residentA,
				proxyResidentId: ctx.w.residentA2,
				relation: 'spouse'
			});
			return id;
		},
		run: (ctx, r, id) =>
			act(ctx, r, `/meetings/${id}?/withdrawProxy`, { grantorResidentId: String(ctx.w.residentA) }),
		effect: (ctx, id) => exists(ctx, proxy, and(eq(proxy.meetingId, id), isNotNull(proxy.revokedAt)))
	}),
	row<number>({
		id: 'action /meetings/[id]/minutes?/sign',
		// The chair signs first; residents sign after it, and only if they attended (not shown here).
		allow: MANAGE_A,
		prepare: (ctx) => {
			const id = liveMeeting(ctx);
			db(ctx).update(meeting).set({ status: 'closed', closedAt: new Date() }).where(eq(meeting.id, id)).run();
			saveSummary(db(ctx), ctx.w.actor('facilitator'), id, '会议议定更换楼道灯。');
			return id;
		},
		run: (ctx, r, id) => act(ctx, r, `/meetings/${id}/minutes?/sign`),
		effect: (ctx, id) =>
			exists(
				ctx,
				minutesSignature,
				eq(
					minutesSignature.minutesId,
					db(ctx).select().from(minutes).where(eq(minutes.meetingId, id)).get()?.id ?? 0
				)
			)
	})
];

/** A draft 村民选举会议 of 1栋 (written proxies are taken there). */
function villageElection(ctx: Ctx): number {
	const id = ctx.w.newMeeting();
	db(ctx).update(meeting).set({ body: 'villageElection' }).where(eq(meeting.id, id)).run();
	return id;
}

const publicRows: Row[] = [
	row<{ username: string; userId: number }>({
		id: 'action /login?/default',
		allow: EVERYONE,
		prepare: async (ctx) => {
			const username = `login-${ctx.uniq()}`;
			const userId = await createStaffUser(db(ctx), {
				communityId: ctx.w.communityId,
				username,
				password: 'login-password-1',
				displayName: '登录测试'
			});
			return { username, userId };
		},
		// With the role's own (fresh) session: logging in ends the session the browser had.
		run: (ctx, r, p) =>
			postAction(
				ctx.url,
				'/login',
				{ username: p.username, password: 'login-password-1' },
				freshSession(ctx, r).cookie
			),
		effect: (ctx, p) => exists(ctx, session, eq(session.userId, p.userId)),
		note: 'anyone may log in; each cell logs in as a fresh staff account'
	}),
	row<{ cookie: string | undefined; id: string }>({
		id: 'action /logout?/default',
		allow: EVERYONE,
		prepare: (ctx, r) => freshSession(ctx, r),
		run: (ctx, r, p) => postAction(ctx.url, '/logout', {}, p.cookie),
		effect: (ctx, p) => p.id === '' || gone(ctx, session, eq(session.id, p.id)),
		note: 'each cell logs out a fresh session of that role'
	}),
	row<{ token: string; cookie: string | undefined }>({
		id: 'action /join/[token]?/default',
		allow: EVERYONE,
		// A fresh single-use link and a fresh session per cell: redeeming logs that session out.
		prepare: (ctx, r) => ({
			token: issueInvitation(db(ctx), { residentId: newResident(ctx), kind: 'link', createdByUserId: null })
				.token,
			cookie: freshSession(ctx, r).cookie
		}),
		run: (ctx, r, p) => postAction(ctx.url, `/join/${p.token}`, {}, p.cookie),
		effect: (ctx, p) =>
			exists(
				ctx,
				session,
				eq(
					session.invitationId,
					db(ctx)
						.select()
						.from(invitation)
						.where(eq(invitation.tokenHash, hashToken(p.token)))
						.get()!.id
				)
			),
		note: 'anyone holding a link may redeem it; the token is the credential'
	}),
	row({
		id: 'action /lang?/switch',
		allow: EVERYONE,
		run: (ctx, r) => act(ctx, r, '/lang?/switch', { locale: 'zh', back: '/' })
	}),
	row({
		id: 'action /settings?/elder',
		allow: EVERYONE,
		run: (ctx, r) => act(ctx, r, '/settings?/elder', { elder: '', back: '/settings' })
	}),
	row({
		id: 'action /notice/[communityId]?/verify',
		allow: EVERYONE,
		run: (ctx, r) => act(ctx, r, `/notice/${ctx.w.communityId}?/verify`)
	})
];

// ── page loads and endpoints ────────────────────────────────────────────────────────────────────

const loadRow = (id: string, allow: readonly Role[], path: (ctx: Ctx) => string, note?: string): Row =>
	row({ id, allow, run: (ctx, r) => page(ctx, r, path(ctx)), note });

const loadRows: Row[] = [
	loadRow('load layout /', EVERYONE, () => '/'),
	loadRow('load page /', EVERYONE, () => '/'),
	loadRow('load layout /admin', ANY_ADMIN, () => '/admin/staff'),
	loadRow(
		'load page /admin',
		[...ANY_ADMIN, 'buildingHead', 'buildingHeadOther', 'officer'],
		() => '/admin',
		'issuers of invitations are sent on to /admin/invitations'
	),
	loadRow(
		'load page /admin/audit',
		ANY_ADMIN,
		() => '/admin/audit',
		"the other community's admin sees their own community's log (auditLog reads actor.communityId)"
	),
	loadRow('load page /admin/buildings', ANY_ADMIN, () => '/admin/buildings'),
	loadRow('load page /admin/departments', ANY_ADMIN, () => '/admin/departments'),
	loadRow('load page /admin/groups', ANY_ADMIN, () => '/admin/groups'),
	loadRow('load page /admin/households', ANY_ADMIN, () => '/admin/households'),
	loadRow('load page /admin/import', ANY_ADMIN, () => '/admin/import'),
	loadRow(
		'load page /admin/invitations',
		[...ANY_ADMIN, 'buildingHead', 'buildingHeadOther', 'officer'],
		() => '/admin/invitations'
	),
	loadRow('load page /admin/staff', ANY_ADMIN, () => '/admin/staff'),
	loadRow('GET /admin/import/template.csv', ANY_ADMIN, () => '/admin/import/template.csv'),
	loadRow(
		'load page /dashboard',
		['admin', 'facilitator', 'committee', 'buildingHead'],
		(ctx) => `/dashboard?building=${ctx.w.building1}`,
		"1栋's figures: the other building's 楼栋长 and the other grid's facilitator are refused"
	),
	loadRow(
		'load page /dispatches',
		['facilitator', 'liaison', 'liaisonOther', 'admin', 'adminOther'],
		() => '/dispatches',
		'senders see the community dispatches, liaisons their department inbox'
	),
	loadRow(
		'load page /dispatches/[id]',
		['admin', 'facilitator', 'liaison'],
		(ctx) => `/dispatches/${ctx.fx.dispatchId}`
	),
	loadRow('load page /followups', LOGGED_IN, () => '/followups'),
	loadRow(
		'load page /followups/[id]',
		[...VIEW_NO_GROUP, 'liaison'],
		(ctx) => `/followups/${ctx.fx.followUpId}`
	),
	loadRow(
		'GET /followups/photo/[photoId]',
		[...VIEW_NO_GROUP, 'liaison'],
		(ctx) => `/followups/photo/${ctx.fx.photoId}`
	),
	loadRow('GET /healthz', EVERYONE, () => '/healthz'),
	loadRow(
		'GET /manifest.webmanifest',
		EVERYONE,
		() => '/manifest.webmanifest',
		'the installed app’s name and icons; a logged-in phone gets its community’s name'
	),
	loadRow('load page /j/[code]', EVERYONE, (ctx) => `/j/${ctx.w.joinCode(ctx.w.meetingA)}`),
	loadRow('load page /join/[token]', EVERYONE, () => '/join/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
	loadRow('load page /lang', EVERYONE, () => '/lang'),
	loadRow('load page /login', EVERYONE, () => '/login'),
	loadRow('load page /logout', EVERYONE, () => '/logout'),
	loadRow('load page /m/[id]', VIEW_NO_GROUP, (ctx) => `/m/${ctx.w.meetingA}`),
	loadRow(
		'load page /m/[id]/console',
		[...MANAGE_A, 'committee'],
		(ctx) => `/m/${ctx.w.meetingA}/console`,
		'the committee gets the agenda editor only (agenda.edit); running the meeting needs meeting.manage'
	),
	loadRow('GET /m/[id]/agenda', VIEW_NO_GROUP, (ctx) => `/m/${ctx.w.meetingA}/agenda`),
	loadRow('GET /m/[id]/attendance', MANAGE_A, (ctx) => `/m/${ctx.w.meetingA}/attendance`),
	loadRow(
		'load page /m/[id]/poll/[pollId]',
		VIEW_NO_GROUP,
		(ctx) => `/m/${ctx.w.meetingA}/poll/${ctx.fx.pollA}`
	),
	loadRow(
		'GET /m/[id]/poll/[pollId]/missing',
		MANAGE_A,
		(ctx) => `/m/${ctx.w.meetingA}/poll/${ctx.fx.pollA}/missing`
	),
	loadRow(
		'load page /m/[id]/screen',
		EVERYONE,
		(ctx) => `/m/${ctx.w.meetingA}/screen?code=${ctx.w.joinCode(ctx.w.meetingA)}`
	),
	loadRow('load page /meetings', LOGGED_IN, () => '/meetings'),
	loadRow(
		'load page /meetings/[id]',
		[...MANAGE_A, 'committee'],
		(ctx) => `/meetings/${ctx.w.meetingA}`,
		'the committee sees the facts and the agenda link, not the join code'
	),
	loadRow(
		'load page /meetings/[id]/minutes',
		VIEW_NO_GROUP,
		(ctx) => `/meetings/${ctx.fx.closedMeetingPoll.meetingId}/minutes`
	),
	loadRow(
		'GET /meetings/[id]/minutes/ballots.csv',
		MANAGE_A,
		(ctx) =>
			`/meetings/${ctx.fx.closedMeetingPoll.meetingId}/minutes/ballots.csv?poll=${ctx.fx.closedMeetingPoll.pollId}`
	),
	loadRow(
		'GET /meetings/[id]/minutes/minutes.md',
		VIEW_NO_GROUP,
		(ctx) => `/meetings/${ctx.fx.closedMeetingPoll.meetingId}/minutes/minutes.md`
	),
	{
		...loadRow(
			'load page /meetings/[id]/minutes',
			EVERYONE,
			(ctx) => `/meetings/${ctx.fx.publicMinutes}/minutes`,
			'frozen minutes of a public meeting are a public record (residents not named)'
		),
		variant: 'frozen, public meeting'
	},
	{
		...loadRow(
			'GET /meetings/[id]/minutes/minutes.md',
			EVERYONE,
			(ctx) => `/meetings/${ctx.fx.publicMinutes}/minutes/minutes.md`
		),
		variant: 'frozen, public meeting'
	},
	{
		...loadRow(
			'load page /meetings/[id]/minutes',
			VIEW_NO_GROUP,
			(ctx) => `/meetings/${ctx.fx.privateMinutes}/minutes`
		),
		variant: 'frozen, meeting not public'
	},
	loadRow(
		'load page /meetings/[id]/notice',
		EVERYONE,
		(ctx) => `/meetings/${ctx.w.meetingA}/notice`,
		'a public meeting’s notice is on the door anyway'
	),
	{
		...loadRow(
			'load page /meetings/[id]/notice',
			VIEW_NO_GROUP,
			(ctx) => `/meetings/${ctx.fx.privateMinutes}/notice`
		),
		variant: 'meeting not public'
	},
	loadRow('GET /meetings/[id]/notice.ics', EVERYONE, (ctx) => `/meetings/${ctx.w.meetingA}/notice.ics`),
	loadRow('GET /meetings/[id]/notice.png', EVERYONE, (ctx) => `/meetings/${ctx.w.meetingA}/notice.png`),
	loadRow(
		'load page /meetings/new',
		LOGGED_IN,
		() => '/meetings/new',
		'the form only; creating checks meeting.manage'
	),
	loadRow('load page /notice/[communityId]', EVERYONE, (ctx) => `/notice/${ctx.w.communityId}`),
	loadRow('load page /proposals', LOGGED_IN, () => '/proposals'),
	loadRow('load page /proposals/[id]', MEMBERS, (ctx) => `/proposals/${ctx.fx.proposalId}`),
	loadRow('load page /proposals/new', LOGGED_IN, () => '/proposals/new'),
	loadRow('load page /resolutions/[id]', EVERYONE, (ctx) => `/resolutions/${ctx.fx.resolutionId}`),
	loadRow('load page /rules', LOGGED_IN, () => '/rules'),
	loadRow(
		'load page /rules/adopt',
		LOGGED_IN,
		() => '/rules/adopt',
		'read-only status of the adoption; its actions check roles'
	),
	loadRow('load page /rules/comments', LOGGED_IN, () => '/rules/comments'),
	loadRow(
		'load page /rules/published',
		EVERYONE,
		(ctx) => `/rules/published?community=${ctx.w.communityId}`,
		'published rules are public, like the notice board'
	),
	loadRow('load page /rules/published/[id]', EVERYONE, (ctx) => `/rules/published/${ctx.fx.publicationId}`),
	loadRow('load page /rules/versions', LOGGED_IN, () => '/rules/versions'),
	loadRow('load page /rules/versions/compare', LOGGED_IN, () => '/rules/versions/compare'),
	loadRow('load page /settings', EVERYONE, () => '/settings')
];

// ── participation points (积分) ──────────────────────────────────────────────────────────────────

/**
 * points.record on a household of 1栋: the admin, 1栋's 楼栋长 and the 信息员 of 富春小区 (1栋 to 3栋);
 * not 2栋's 楼栋长, not a 五户长, not the other community's admin (the resident is not theirs: 404).
 */
const RECORD_1 = ['admin', 'officer', 'buildingHead'] as const satisfies Role[];

/** A resident of a fresh household (of 1栋 unless told), so caps and balances start from nothing. */
const pointsResident = (ctx: Ctx, buildingId = ctx.w.building1) =>
	db(ctx)
		.insert(resident)
		.values({ householdId: newHousehold(ctx, buildingId), name: `积分住户${ctx.uniq()}` })
		.returning()
		.get().id;
/** A resident of the other community (a building of its own made for it). */
const otherCommunityResident = (ctx: Ctx) => {
	const b = db(ctx)
		.insert(building)
		.values({ communityId: ctx.w.otherCommunityId, estateId: null, gridId: null, name: `楼${ctx.uniq()}` })
		.returning()
		.get().id;
	return pointsResident(ctx, b);
};
/** The key a staff form carries: fresh per cell, so no cell is taken for a resend of another. */
const requestKey = () => `authz-${crypto.randomUUID()}`;
const ruleId = (ctx: Ctx, code: string) => ruleByCode(db(ctx), ctx.w.communityId, code)!.id;
const entryWithKey = (ctx: Ctx, key: string) => exists(ctx, pointEntry, eq(pointEntry.requestKey, key));
const hasBase = (ctx: Ctx, residentId: number) =>
	exists(ctx, pointEntry, and(eq(pointEntry.residentId, residentId), eq(pointEntry.reason, 'base')));

type RecordInput = { residentId: number; ruleId: number; key: string };
const recordRow = (
	variant: string | undefined,
	allow: readonly Role[],
	buildingOf: (ctx: Ctx) => number,
	code: string
) =>
	row<RecordInput>({
		id: 'action /admin/points?/record',
		variant,
		allow,
		prepare: (ctx) => ({
			residentId: pointsResident(ctx, buildingOf(ctx)),
			ruleId: ruleId(ctx, code),
			key: requestKey()
		}),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/points?/record', {
				form: 'record',
				residentId: String(p.residentId),
				ruleId: String(p.ruleId),
				amount: '',
				note: '授权矩阵',
				requestKey: p.key
			}),
		effect: (ctx, p) => entryWithKey(ctx, p.key)
	});

const pointsRows: Row[] = [
	recordRow(undefined, RECORD_1, (ctx) => ctx.w.building1, 'cleaning'),
	recordRow(
		'negative list, a resident of 8栋 (第二网格, outside 富春小区)',
		ADMIN,
		(ctx) => ctx.w.building8,
		'littering'
	),
	row<{ residentId: number; key: string }>({
		id: 'action /admin/points?/redeem',
		allow: RECORD_1,
		prepare: (ctx) => {
			const residentId = pointsResident(ctx);
			grantBaseFor(db(ctx), ctx.w.communityId, null); // the year's base points: 60
			return { residentId, key: requestKey() };
		},
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/points?/redeem', {
				form: 'redeem',
				residentId: String(p.residentId),
				points: '10',
				goods: '洗衣粉一袋',
				requestKey: p.key
			}),
		effect: (ctx, p) =>
			exists(ctx, pointEntry, and(eq(pointEntry.requestKey, p.key), eq(pointEntry.reason, 'redeem')))
	}),
	row<number>({
		id: 'action /admin/points?/grantBase',
		allow: ANY_ADMIN,
		// The other community's admin grants in their own community: a resident of it is made to look at.
		prepare: (ctx, r) => (r === 'adminOther' ? otherCommunityResident(ctx) : pointsResident(ctx)),
		run: (ctx, r) => act(ctx, r, '/admin/points?/grantBase', { form: 'base' }),
		effect: (ctx, id) => hasBase(ctx, id),
		note: 'each cell looks at a resident made for it, who has no base points yet'
	}),
	row<{ residentId: number; entryId: number }>({
		id: 'action /admin/points/[residentId]?/reverse',
		allow: ADMIN,
		prepare: (ctx) => {
			const residentId = pointsResident(ctx);
			const year = pointsYear(Date.now());
			const entryId = db(ctx)
				.insert(pointEntry)
				.values({
					communityId: ctx.w.communityId,
					residentId,
					amount: 5,
					reason: 'cleaning',
					ruleId: ruleId(ctx, 'cleaning'),
					sourceType: 'staff',
					year,
					recordedByUserId: ctx.w.userIds.admin
				})
				.returning()
				.get().id;
			return { residentId, entryId };
		},
		run: (ctx, r, p) =>
			act(ctx, r, `/admin/points/${p.residentId}?/reverse`, {
				form: 'reverse',
				entryId: String(p.entryId),
				note: '录错了人'
			}),
		effect: (ctx, p) =>
			exists(ctx, pointEntry, and(eq(pointEntry.sourceType, 'reversal'), eq(pointEntry.sourceId, p.entryId)))
	}),
	row<number>({
		id: 'action /admin/points/rules?/update',
		allow: ADMIN,
		prepare: (ctx) =>
			db(ctx)
				.insert(pointRule)
				.values({
					communityId: ctx.w.communityId,
					kind: 'volunteer',
					code: `authz-${ctx.uniq()}`,
					label: `规则${ctx.uniq()}`,
					amount: 3,
					yearlyCap: 30
				})
				.returning()
				.get().id,
		run: (ctx, r, id) =>
			act(ctx, r, '/admin/points/rules?/update', {
				form: 'update',
				ruleId: String(id),
				amount: '7',
				yearlyCap: '30',
				threshold: '',
				active: 'on'
			}),
		effect: (ctx, id) => exists(ctx, pointRule, and(eq(pointRule.id, id), eq(pointRule.amount, 7)))
	}),
	row<{ label: string }>({
		id: 'action /admin/points/rules?/add',
		allow: ANY_ADMIN,
		prepare: (ctx) => ({ label: `护河${ctx.uniq()}` }),
		run: (ctx, r, p) =>
			act(ctx, r, '/admin/points/rules?/add', {
				form: 'add',
				kind: 'volunteer',
				label: p.label,
				amount: '4',
				yearlyCap: ''
			}),
		effect: (ctx, p) => exists(ctx, pointRule, eq(pointRule.label, p.label))
	}),
	loadRow(
		'load page /admin/points',
		[...ANY_ADMIN, 'officer', 'buildingHead', 'buildingHeadOther'],
		() => '/admin/points',
		'standings of the buildings one reaches: every holder of points.record sees their own'
	),
	loadRow('load page /admin/points/[residentId]', RECORD_1, (ctx) => `/admin/points/${ctx.w.residentA}`),
	loadRow('load page /admin/points/rules', ANY_ADMIN, () => '/admin/points/rules'),
	loadRow(
		'GET /admin/points/standings.csv',
		RECORD_1,
		(ctx) => `/admin/points/standings.csv?building=${ctx.w.building1}`,
		"1栋's standings: 2栋's 楼栋长 is refused (403), the other community's admin gets 404"
	),
	loadRow('load page /points', LOGGED_IN, () => '/points', 'everyone sees the rules and the building ranking')
];

// ── Socket.IO ───────────────────────────────────────────────────────────────────────────────────

const socketRows: Row[] = [
	row({
		id: 'socket meeting:join',
		allow: VIEW_NO_GROUP,
		run: (ctx, r) => emit(ctx, r, 'meeting:join', { meetingId: ctx.w.meetingA, as: 'phone' })
	}),
	row({
		id: 'socket meeting:leave',
		allow: LOGGED_IN,
		run: (ctx, r) => emit(ctx, r, 'meeting:leave', { meetingId: ctx.w.meetingA }),
		note: 'leaving a room one is not in changes nothing'
	}),
	row<number>({
		id: 'socket meeting:open',
		allow: MANAGE_A,
		prepare: (ctx) => ctx.w.newMeeting(),
		run: (ctx, r, id) => emit(ctx, r, 'meeting:open', { meetingId: id }),
		effect: (ctx, id) => meetingStatus(ctx, id).status === 'live'
	}),
	row<number>({
		id: 'socket meeting:close',
		allow: MANAGE_A,
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'meeting:close', { meetingId: id }),
		effect: (ctx, id) => meetingStatus(ctx, id).status === 'closed'
	}),
	row<number>({
		id: 'socket item:setCurrent',
		allow: MANAGE_A,
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'item:setCurrent', { meetingId: id, itemId: 'item-1' }),
		effect: (ctx, id) => meetingStatus(ctx, id).currentItemId === 'item-1'
	}),
	row<number>({
		id: 'socket timer:start',
		allow: MANAGE_A,
		prepare: (ctx) => withCurrentItem(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'timer:start', { meetingId: id }),
		effect: (ctx, id) => meetingStatus(ctx, id).timerStartedAt !== null
	}),
	row<number>({
		id: 'socket timer:pause',
		allow: MANAGE_A,
		prepare: (ctx) => withCurrentItem(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'timer:pause', { meetingId: id })
	}),
	row<number>({
		id: 'socket attendance:checkIn',
		allow: ['resident'],
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'attendance:checkIn', { meetingId: id, code: ctx.w.joinCode(id) }),
		effect: (ctx, id) => exists(ctx, attendance, eq(attendance.meetingId, id))
	}),
	row<number>({
		id: 'action /m/[id]?/checkIn',
		allow: ['resident'],
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => act(ctx, r, `/m/${id}?/checkIn`, { code: ctx.w.joinCode(id) }),
		effect: (ctx, id) => exists(ctx, attendance, eq(attendance.meetingId, id)),
		note: 'the check-in form of a phone without JavaScript'
	}),
	row<number>({
		id: 'socket attendance:showCode',
		allow: MANAGE_A,
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'attendance:showCode', { meetingId: id }),
		note: 'the anonymous projector asks with the join code instead (tests/integration/check-in-code.test.ts)'
	}),
	row<number>({
		id: 'socket attendance:mark',
		allow: MANAGE_A,
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) =>
			emit(ctx, r, 'attendance:mark', { meetingId: id, residentId: ctx.w.residentA2, present: true }),
		effect: (ctx, id) => exists(ctx, attendance, eq(attendance.meetingId, id))
	}),
	row<number>({
		id: 'socket hand:raise',
		allow: ['resident'],
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'hand:raise', { meetingId: id }),
		effect: (ctx, id) => exists(ctx, speakerRequest, eq(speakerRequest.meetingId, id))
	}),
	row<number>({
		id: 'socket hand:lower',
		allow: ['resident'],
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'hand:lower', { meetingId: id })
	}),
	row<number>({
		id: 'socket floor:give',
		allow: MANAGE_A,
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'floor:give', { meetingId: id, requestId: null })
	}),
	row<number>({
		id: 'socket poll:open',
		allow: MANAGE_A,
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'poll:open', pollPayload(id)),
		effect: (ctx, id) => exists(ctx, poll, eq(poll.meetingId, id))
	}),
	row<{ pollId: number }>({
		id: 'socket poll:close',
		allow: MANAGE_A,
		prepare: (ctx) => openPoll(ctx),
		run: (ctx, r, p) => emit(ctx, r, 'poll:close', { pollId: p.pollId }),
		effect: (ctx, p) => exists(ctx, poll, and(eq(poll.id, p.pollId), eq(poll.status, 'closed')))
	}),
	row<{ pollId: number }>({
		id: 'socket poll:withdraw',
		allow: MANAGE_A,
		prepare: (ctx) => openPoll(ctx),
		run: (ctx, r, p) => emit(ctx, r, 'poll:withdraw', { pollId: p.pollId }),
		effect: (ctx, p) => exists(ctx, poll, and(eq(poll.id, p.pollId), eq(poll.status, 'closed')))
	}),
	row<number>({
		id: 'socket speech:setLimit',
		allow: MANAGE_A,
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) => emit(ctx, r, 'speech:setLimit', { meetingId: id, seconds: 120 }),
		effect: (ctx, id) => meetingStatus(ctx, id).speechLimitSeconds === 120
	}),
	row<{ pollId: number }>({
		id: 'socket ballot:cast',
		allow: ['resident'],
		prepare: (ctx) => openPoll(ctx),
		run: (ctx, r, p) =>
			emit(ctx, r, 'ballot:cast', {
				pollId: p.pollId,
				ballotId: crypto.randomUUID(),
				receipt: receipt(),
				choices: ['yes']
			}),
		effect: (ctx, p) => exists(ctx, pollVote, eq(pollVote.pollId, p.pollId))
	}),
	row<{ pollId: number }>({
		id: 'socket ballot:assist',
		allow: ['admin', 'facilitator', 'buildingHead', 'officer', 'groupHead'],
		prepare: (ctx) => pollWithPresent(ctx),
		run: (ctx, r, p) =>
			emit(ctx, r, 'ballot:assist', {
				pollId: p.pollId,
				residentId: ctx.w.residentA2,
				choices: ['yes'],
				consentNote: '本人口头同意',
				ballotId: crypto.randomUUID(),
				receipt: receipt()
			}),
		effect: (ctx, p) => exists(ctx, pollVote, eq(pollVote.pollId, p.pollId))
	}),
	row<{ pollId: number }>({
		id: 'socket ballot:hand',
		allow: MANAGE_A,
		prepare: (ctx) => pollWithPresent(ctx),
		run: (ctx, r, p) =>
			emit(ctx, r, 'ballot:hand', {
				pollId: p.pollId,
				residentId: ctx.w.residentA2,
				choices: ['yes'],
				ballotId: crypto.randomUUID(),
				receipt: receipt()
			}),
		effect: (ctx, p) => exists(ctx, pollVote, eq(pollVote.pollId, p.pollId))
	}),
	row<{ pollId: number }>({
		id: 'socket hands:set',
		allow: MANAGE_A,
		prepare: (ctx) => openPoll(ctx),
		run: (ctx, r, p) =>
			emit(ctx, r, 'hands:set', { pollId: p.pollId, counts: { yes: 0, no: 0, abstain: 0 } }),
		effect: (ctx, p) => exists(ctx, handCountEntry, eq(handCountEntry.pollId, p.pollId))
	}),
	row<number>({
		id: 'socket proxy:designate',
		allow: ['resident'],
		prepare: (ctx) => liveMeeting(ctx),
		run: (ctx, r, id) =>
			emit(ctx, r, 'proxy:designate', { meetingId: id, proxyResidentId: ctx.w.residentA2 }),
		effect: (ctx, id) => exists(ctx, proxy, eq(proxy.meetingId, id))
	}),
	row<number>({
		id: 'socket proxy:revoke',
		allow: ['resident'],
		prepare: (ctx) => liveMeeting(ctx),
		// A proxy to withdraw first: withdrawing none is refused as PROXY_NOT_DESIGNATED.
		run: async (ctx, r, id) => {
			await emit(ctx, r, 'proxy:designate', { meetingId: id, proxyResidentId: ctx.w.residentA2 });
			return emit(ctx, r, 'proxy:revoke', { meetingId: id });
		},
		effect: (ctx, id) => exists(ctx, proxy, and(eq(proxy.meetingId, id), isNotNull(proxy.revokedAt)))
	})
];

const receipt = makeReceipt;

/** An open poll of a new 1栋 meeting where resident A's neighbour (no phone) is marked present. */
async function pollWithPresent(ctx: Ctx) {
	const p = await openPoll(ctx);
	markAttendance(db(ctx), ctx.w.actor('facilitator'), p.meetingId, ctx.w.residentA2, true);
	return p;
}

/** A live meeting whose current item is set (the timer runs for an item). */
function withCurrentItem(ctx: Ctx): number {
	const id = liveMeeting(ctx);
	db(ctx).update(meeting).set({ currentItemId: 'item-1' }).where(eq(meeting.id, id)).run();
	return id;
}

// ── Yjs documents ───────────────────────────────────────────────────────────────────────────────

const yjsRows: Row[] = [
	row({
		id: 'yjs read meeting',
		allow: VIEW_NO_GROUP,
		run: (ctx, r) => yjsProbe(ctx.url, db(ctx), `meeting:${ctx.w.meetingA}:agenda`, ctx.cookie(r), 'read')
	}),
	row({
		id: 'yjs write meeting',
		allow: ['admin', 'facilitator', 'committee', 'buildingHead'],
		run: (ctx, r) => yjsProbe(ctx.url, db(ctx), `meeting:${ctx.w.meetingA}:agenda`, ctx.cookie(r), 'write')
	}),
	row({
		id: 'yjs read rules',
		allow: MEMBERS,
		run: (ctx, r) => yjsProbe(ctx.url, db(ctx), `rules:${ctx.w.communityId}`, ctx.cookie(r), 'read')
	}),
	row({
		id: 'yjs write rules',
		allow: ['admin', 'committee'],
		run: (ctx, r) => yjsProbe(ctx.url, db(ctx), `rules:${ctx.w.communityId}`, ctx.cookie(r), 'write')
	}),
	row({
		id: 'yjs read building',
		allow: VIEW_NO_GROUP,
		run: (ctx, r) => yjsProbe(ctx.url, db(ctx), `building:${ctx.w.building1}:notes`, ctx.cookie(r), 'read')
	}),
	row({
		id: 'yjs write building',
		allow: ['admin', 'facilitator', 'committee', 'buildingHead'],
		run: (ctx, r) => yjsProbe(ctx.url, db(ctx), `building:${ctx.w.building1}:notes`, ctx.cookie(r), 'write')
	})
];

// ── the same actions on meeting B (第二网格): the facilitator of that grid runs it ───────────────────

/** meeting.manage on 第二网格: the community-wide facilitator and admin, and that grid's facilitator. */
const MANAGE_B = ['admin', 'facilitator', 'facilitatorOther'] as const satisfies Role[];
const meetingB = (ctx: Ctx) => liveMeeting(ctx, { scopeType: 'grid', scopeId: ctx.w.grid2 });

const meetingBRows: Row[] = [
	row<number>({
		id: 'socket meeting:open',
		variant: 'meeting B (第二网格)',
		allow: MANAGE_B,
		prepare: (ctx) => ctx.w.newMeeting({ scopeType: 'grid', scopeId: ctx.w.grid2 }),
		run: (ctx, r, id) => emit(ctx, r, 'meeting:open', { meetingId: id }),
		effect: (ctx, id) => meetingStatus(ctx, id).status === 'live'
	}),
	row<number>({
		id: 'socket poll:open',
		variant: 'meeting B (第二网格)',
		allow: MANAGE_B,
		prepare: meetingB,
		run: (ctx, r, id) => emit(ctx, r, 'poll:open', pollPayload(id)),
		effect: (ctx, id) => exists(ctx, poll, eq(poll.meetingId, id))
	}),
	row({
		id: 'socket meeting:join',
		variant: 'meeting B (第二网格)',
		// Nobody on the demo roster lives in 8栋 with an account; staff whose scope covers the grid.
		allow: ['admin', 'facilitator', 'committee', 'facilitatorOther'],
		run: (ctx, r) => emit(ctx, r, 'meeting:join', { meetingId: ctx.w.meetingB, as: 'phone' })
	}),
	row({
		id: 'yjs write meeting',
		variant: 'meeting B (第二网格)',
		allow: ['admin', 'facilitator', 'committee', 'facilitatorOther'],
		run: (ctx, r) => yjsProbe(ctx.url, db(ctx), `meeting:${ctx.w.meetingB}:agenda`, ctx.cookie(r), 'write')
	})
];

export const ROWS: Row[] = [
	...placeRows,
	...householdRows,
	...staffRows,
	...meetingRows,
	...proposalRows,
	...followRows,
	...rulesRows,
	...publicRows,
	...loadRows,
	...pointsRows,
	...socketRows,
	...yjsRows,
	...meetingBRows
];
