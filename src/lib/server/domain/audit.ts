/**
 * The audit log (审计日志): the acts of authority over a meeting's counting and over people's roles,
 * written in the same transaction as the act, so an act and its entry stand or fall together. It is
 * append-only (triggers in drizzle/0012_audit_log.sql) and readable by the community's admins.
 * A secret choice never goes in: entries name who acted and for whom, not what was chosen.
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { authorize, communityScope, type Actor } from '../authz';
import { auditEntry, user, type AuditAction } from '../db/schema';

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

export type AuditRow = {
	id: number;
	at: number;
	action: AuditAction;
	actorName: string | null;
	subjectType: string;
	subjectId: number | null;
	detail: Record<string, unknown>;
};

export const AUDIT_PAGE = 100;

/** The newest entries first, a page at a time (`before`: the last id of the previous page). */
export function auditLog(db: Db, actor: Actor | null, opts: { before?: number } = {}): AuditRow[] {
	const a = authorize(actor, 'audit.view', communityScope(actor?.communityId ?? 0));
	const c = eq(auditEntry.communityId, a.communityId);
	return db
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
}
