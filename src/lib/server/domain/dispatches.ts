/**
 * 吹哨派单: what a council cannot solve alone goes to a department (e.g. the traffic police) with a
 * deadline. The department's liaison accepts it, replies, asks for information, and marks it handled;
 * every step is on the timeline with who and when. Overdue = past the deadline and not handled.
 *
 *   sent ──accept──▶ accepted ──handle──▶ handled
 *     │                  │
 *     └──askInfo──▶ infoRequested ──provideInfo (sender)──▶ back to sent, or to accepted if it was
 *
 * Answering a question does not undo an acceptance: the department already took the job on.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { authorize, can, communityScope, departmentScope, type Actor } from '../authz';
import {
	department,
	dispatch,
	dispatchEvent,
	proposal,
	resolution,
	user,
	type DispatchStatus
} from '../db/schema';
import { DomainError } from './errors';

export type Dispatch = typeof dispatch.$inferSelect;
type EventKind = (typeof dispatchEvent.$inferInsert)['kind'];

function getDispatch(db: Db, id: number): Dispatch {
	const d = db.select().from(dispatch).where(eq(dispatch.id, id)).get();
	if (!d) throw new DomainError('NOT_FOUND', { dispatchId: id });
	return d;
}

const text = (value: string | null | undefined, field: string, required: boolean) => {
	const t = (value ?? '').trim();
	if ((required && !t) || t.length > 2000) throw new DomainError('INVALID_INPUT', { field });
	return t || null;
};

function log(
	db: Db,
	dispatchId: number,
	kind: EventKind,
	actorUserId: number,
	body: string | null,
	now: number
) {
	db.insert(dispatchEvent)
		.values({ dispatchId, kind, actorUserId, text: body, createdAt: new Date(now) })
		.run();
}

/** A facilitator escalates a proposal or a resolution of the community to one of its departments. */
export function sendDispatch(
	db: Db,
	actor: Actor | null,
	input: {
		departmentId: number;
		proposalId?: number | null;
		resolutionId?: number | null;
		message: string;
		deadline: Date;
	},
	now = Date.now()
): number {
	const a = authorize(actor, 'dispatch.send', communityScope(actor?.communityId ?? 0));
	const dep = db
		.select({ id: department.id })
		.from(department)
		.where(and(eq(department.id, input.departmentId), eq(department.communityId, a.communityId)))
		.get();
	if (!dep) throw new DomainError('NOT_FOUND', { departmentId: input.departmentId });
	const proposalId = input.proposalId ?? null;
	const resolutionId = input.resolutionId ?? null;
	if ((proposalId === null) === (resolutionId === null))
		throw new DomainError('INVALID_INPUT', { field: 'subject' });
	const subject =
		proposalId !== null
			? db.select({ c: proposal.communityId }).from(proposal).where(eq(proposal.id, proposalId)).get()
			: db
					.select({ c: resolution.communityId })
					.from(resolution)
					.where(eq(resolution.id, resolutionId!))
					.get();
	if (!subject || subject.c !== a.communityId)
		throw new DomainError('NOT_FOUND', { proposalId, resolutionId });
	const message = text(input.message, 'message', true)!;
	if (isNaN(input.deadline.getTime()) || input.deadline.getTime() <= now)
		throw new DomainError('INVALID_INPUT', { field: 'deadline' });
	return db.transaction((tx) => {
		const id = tx
			.insert(dispatch)
			.values({
				communityId: a.communityId,
				departmentId: dep.id,
				proposalId,
				resolutionId,
				message,
				deadline: input.deadline,
				createdByUserId: a.userId,
				createdAt: new Date(now)
			})
			.returning({ id: dispatch.id })
			.get().id;
		tx.insert(dispatchEvent)
			.values({
				dispatchId: id,
				kind: 'sent',
				actorUserId: a.userId,
				text: message,
				createdAt: new Date(now)
			})
			.run();
		return id;
	});
}

/** What the department side may do, from which states, and where it leads (null: no change). */
const LIAISON_STEPS: Record<
	'accept' | 'reply' | 'askInfo' | 'handle',
	{ from: DispatchStatus[]; to: DispatchStatus | null; kind: EventKind; needsText: boolean }
> = {
	accept: { from: ['sent'], to: 'accepted', kind: 'accepted', needsText: false },
	reply: { from: ['sent', 'accepted', 'infoRequested'], to: null, kind: 'reply', needsText: true },
	askInfo: { from: ['sent', 'accepted'], to: 'infoRequested', kind: 'infoRequested', needsText: true },
	handle: { from: ['accepted'], to: 'handled', kind: 'handled', needsText: true }
};

export type DispatchStep = keyof typeof LIAISON_STEPS | 'info';

/** The steps each side may take now (what the page offers; the calls below check again). */
export function stepsFor(
	d: Pick<Dispatch, 'status'>,
	side: { liaison: boolean; sender: boolean }
): DispatchStep[] {
	const liaison = side.liaison
		? (Object.keys(LIAISON_STEPS) as Array<keyof typeof LIAISON_STEPS>).filter((s) =>
				LIAISON_STEPS[s].from.includes(d.status)
			)
		: [];
	return [...liaison, ...(side.sender && d.status === 'infoRequested' ? (['info'] as const) : [])];
}

/** A liaison of the dispatch's department takes a step; anything else is DISPATCH_STATE or FORBIDDEN. */
export function liaisonStep(
	db: Db,
	actor: Actor | null,
	input: { dispatchId: number; step: keyof typeof LIAISON_STEPS; text?: string | null },
	now = Date.now()
) {
	const d = getDispatch(db, input.dispatchId);
	const a = authorize(actor, 'dispatch.handle', departmentScope(d.communityId, d.departmentId));
	const step = LIAISON_STEPS[input.step];
	if (!step) throw new DomainError('INVALID_INPUT', { field: 'step' });
	if (!step.from.includes(d.status)) throw new DomainError('DISPATCH_STATE', { status: d.status });
	const body = text(input.text, 'text', step.needsText);
	db.transaction(() => {
		if (step.to)
			db.update(dispatch)
				.set({ status: step.to, ...(step.to === 'handled' ? { handledAt: new Date(now) } : {}) })
				.where(and(eq(dispatch.id, d.id), eq(dispatch.status, d.status)))
				.run();
		log(db, d.id, step.kind, a.userId, body, now);
	});
}

/** Whether the department accepted the dispatch at some point (so an answer returns it to "accepted"). */
function wasAccepted(db: Db, dispatchId: number): boolean {
	const e = db
		.select({ id: dispatchEvent.id })
		.from(dispatchEvent)
		.where(and(eq(dispatchEvent.dispatchId, dispatchId), eq(dispatchEvent.kind, 'accepted')))
		.get();
	return e !== undefined;
}

/**
 * The sender's side answers a request for information; the dispatch goes back to the department in
 * the state it was asked from (accepted stays accepted, so the liaison need not accept it again).
 */
export function provideInfo(
	db: Db,
	actor: Actor | null,
	input: { dispatchId: number; text: string },
	now = Date.now()
) {
	const d = getDispatch(db, input.dispatchId);
	const a = authorize(actor, 'dispatch.send', communityScope(d.communityId));
	if (d.status !== 'infoRequested') throw new DomainError('DISPATCH_STATE', { status: d.status });
	const body = text(input.text, 'text', true);
	db.transaction(() => {
		const back = wasAccepted(db, d.id) ? 'accepted' : 'sent';
		db.update(dispatch).set({ status: back }).where(eq(dispatch.id, d.id)).run();
		log(db, d.id, 'info', a.userId, body, now);
	});
}

export const isDispatchOverdue = (d: Pick<Dispatch, 'status' | 'deadline'>, now: number) =>
	d.status !== 'handled' && d.deadline.getTime() < now;

/** Dispatches the actor may see: a liaison's department inbox, or the whole community for staff. */
export function listDispatches(db: Db, actor: Actor | null, now = Date.now()) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const departments = actor.roles.filter((r) => r.role === 'departmentLiaison').map((r) => r.scopeId);
	const staff = can(actor, 'dispatch.send', communityScope(actor.communityId));
	if (!staff && departments.length === 0) throw new DomainError('FORBIDDEN');
	const where = staff
		? eq(dispatch.communityId, actor.communityId)
		: and(eq(dispatch.communityId, actor.communityId), inArray(dispatch.departmentId, departments));
	return db
		.select({ d: dispatch, departmentName: department.name })
		.from(dispatch)
		.innerJoin(department, eq(dispatch.departmentId, department.id))
		.where(where)
		.orderBy(desc(dispatch.id))
		.all()
		.map(({ d, departmentName }) => ({ ...d, departmentName, overdue: isDispatchOverdue(d, now) }));
}

/** One dispatch with its timeline, for its department's liaisons and the community's staff. */
export function dispatchView(db: Db, actor: Actor | null, id: number, now = Date.now()) {
	const d = getDispatch(db, id);
	const mine = listDispatches(db, actor, now).find((x) => x.id === d.id);
	if (!mine) throw new DomainError('FORBIDDEN');
	const timeline = db
		.select({
			kind: dispatchEvent.kind,
			text: dispatchEvent.text,
			who: user.displayName,
			at: dispatchEvent.createdAt
		})
		.from(dispatchEvent)
		.innerJoin(user, eq(dispatchEvent.actorUserId, user.id))
		.where(eq(dispatchEvent.dispatchId, d.id))
		.orderBy(asc(dispatchEvent.id))
		.all();
	return { ...mine, timeline };
}
