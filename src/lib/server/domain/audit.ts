/**
 * The audit log (审计日志): the acts of authority over a meeting's counting and over people's roles,
 * written in the same transaction as the act, so an act and its entry stand or fall together. It is
 * append-only (triggers in drizzle/0012_audit_log.sql) and readable by the community's admins.
 * A secret choice never goes in: entries name who acted and for whom, not what was chosen.
 */
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { authorize, communityScope, type Actor } from '../authz';
import {
	auditEntry,
	building,
	community,
	department,
	estate,
	grid,
	household,
	householdGroup,
	meeting,
	resident,
	user,
	type AuditAction,
	type ScopeType
} from '../db/schema';

export type AuditInput = {
	communityId: number;
	/** Null when the server itself acted (a poll's timer ran out). */
	actorUserId: number | null;
	action: AuditAction;
	subjectType: 'poll' | 'meeting' | 'user' | 'roleAssignment' | 'minutes';
	subjectId: number | null;
	detail?: Record<string, unknown>;
};

export function recordAudit(tx: Db | Tx, e: AuditInput, now = Date.now()) {
	tx.insert(auditEntry)
		.values({ ...e, detail: JSON.stringify(e.detail ?? {}), at: new Date(now) })
		.run();
}

/** Names for the ids in a page of details: residents with their unit, accounts, meetings, places. */
export type AuditNames = {
	residents: Record<number, { name: string; unit: string }>;
	users: Record<number, string>;
	meetings: Record<number, string>;
	/** By `scopeType:scopeId`. */
	places: Record<string, string>;
};

export type AuditRow = {
	id: number;
	at: number;
	action: AuditAction;
	actorName: string | null;
	subjectType: string;
	subjectId: number | null;
	detail: Record<string, unknown>;
	/** Names of the people, meetings and places the details refer to by id (shared by the page). */
	names: AuditNames;
};

export const AUDIT_PAGE = 100;

/** The newest entries first, a page at a time (`before`: the last id of the previous page). */
export function auditLog(db: Db, actor: Actor | null, opts: { before?: number } = {}): AuditRow[] {
	const a = authorize(actor, 'audit.view', communityScope(actor?.communityId ?? 0));
	const c = eq(auditEntry.communityId, a.communityId);
	const rows = db
		.select({
			id: auditEntry.id,
			at: auditEntry.at,
			action: auditEntry.action,
			actorName: user.displayName,
			subjectType: auditEntry.subjectType,
			subjectId: auditEntry.subjectId,
			detail: auditEntry.detail
		})
		.from(auditEntry)
		.leftJoin(user, eq(auditEntry.actorUserId, user.id))
		.where(opts.before ? and(c, lt(auditEntry.id, opts.before)) : c)
		.orderBy(desc(auditEntry.id))
		.limit(AUDIT_PAGE)
		.all()
		.map((r) => ({ ...r, at: r.at.getTime(), detail: JSON.parse(r.detail) as Record<string, unknown> }));
	const names = namesIn(db, rows);
	return rows.map((r) => ({ ...r, names }));
}

const SCOPE_TABLE = { community, estate, grid, building, householdGroup, department } as const;

/**
 * Details keep ids (they must not change when a name does); the log shows names. Ids that no longer
 * resolve (an account deleted) are left out, and the page says the number.
 */
function namesIn(db: Db, rows: { detail: Record<string, unknown> }[]): AuditNames {
	const residentIds = new Set<number>();
	const userIds = new Set<number>();
	const meetingIds = new Set<number>();
	const scopes = new Map<ScopeType, Set<number>>();
	const add = (set: Set<number>, v: unknown) => {
		if (typeof v === 'number' && Number.isSafeInteger(v)) set.add(v);
	};
	const addScope = (r: unknown) => {
		const { scopeType, scopeId } = (r ?? {}) as { scopeType?: unknown; scopeId?: unknown };
		if (typeof scopeType !== 'string' || !(scopeType in SCOPE_TABLE)) return;
		const t = scopeType as ScopeType;
		add(scopes.get(t) ?? scopes.set(t, new Set()).get(t)!, scopeId);
	};
	for (const { detail: d } of rows) {
		for (const k of ['voterResidentId', 'grantorResidentId', 'proxyResidentId']) add(residentIds, d[k]);
		add(userIds, (d.replaced as { recordedByUserId?: unknown } | undefined)?.recordedByUserId);
		add(meetingIds, d.meetingId);
		addScope(d);
		if (Array.isArray(d.roles)) d.roles.forEach(addScope);
	}
	const residents = Object.fromEntries(
		residentIds.size === 0
			? []
			: db
					.select({ id: resident.id, name: resident.name, unit: household.unit, building: building.name })
					.from(resident)
					.innerJoin(household, eq(resident.householdId, household.id))
					.innerJoin(building, eq(household.buildingId, building.id))
					.where(inArray(resident.id, [...residentIds]))
					.all()
					.map((r) => [r.id, { name: r.name, unit: `${r.building} ${r.unit}` }])
	);
	const users = Object.fromEntries(
		userIds.size === 0
			? []
			: db
					.select({ id: user.id, name: user.displayName })
					.from(user)
					.where(inArray(user.id, [...userIds]))
					.all()
					.map((u) => [u.id, u.name])
	);
	const meetings = Object.fromEntries(
		meetingIds.size === 0
			? []
			: db
					.select({ id: meeting.id, title: meeting.title })
					.from(meeting)
					.where(inArray(meeting.id, [...meetingIds]))
					.all()
					.map((x) => [x.id, x.title])
	);
	const places: Record<string, string> = {};
	for (const [type, ids] of scopes) {
		const t = SCOPE_TABLE[type];
		for (const p of db
			.select({ id: t.id, name: t.name })
			.from(t)
			.where(inArray(t.id, [...ids]))
			.all())
			places[`${type}:${p.id}`] = p.name;
	}
	return { residents, users, meetings, places };
}
