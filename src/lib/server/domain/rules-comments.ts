/**
 * Residents' comments and suggested wordings on clauses of the rules draft, and the committee's
 * answers: a reply, accepting a suggestion (its wording replaces the clause in the live document,
 * credited to its author) or declining it with a reason. A decided suggestion stays decided.
 */
import { and, asc, eq } from 'drizzle-orm';
import { findClause, replaceClauseText } from '$lib/rules/edit';
import { rulesDocName } from '$lib/rules/schema';
import type { Db } from '../db';
import type { Actor } from '../authz';
import { rulesComment, user } from '../db/schema';
import type { DocumentStore } from './ports';
import { DomainError } from './errors';
import { recordEdits, rulesCommenter, rulesEditor, rulesReader } from './rules-versions';

export type NewComment = {
	clauseId: string;
	kind: 'comment' | 'suggestion';
	body: string;
	/** The proposed wording of the whole clause (suggestions only). */
	suggestion?: string | null;
	/** The text the comment was made on, as selected. */
	quote?: string;
	/** Yjs relative positions of the selection (base64), so it stays on its text. */
	anchorStart?: string | null;
	anchorEnd?: string | null;
};

const ANCHOR = /^[A-Za-z0-9+/=]{1,400}$/;

function requireClause(docs: DocumentStore, communityId: number, clauseId: string) {
	const found = docs.read(rulesDocName(communityId), (doc) => findClause(doc, clauseId) !== null);
	if (!found) throw new DomainError('CLAUSE_GONE', { clauseId });
}

function checkText(value: string, field: string, max: number): string {
	const t = value.trim();
	if (!t || t.length > max) throw new DomainError('INVALID_INPUT', { field });
	return t;
}

export function addComment(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	c: NewComment,
	now = Date.now()
) {
	const a = rulesCommenter(actor);
	const body = checkText(c.body, 'body', 1000);
	const suggestion = c.kind === 'suggestion' ? checkText(c.suggestion ?? '', 'suggestion', 2000) : null;
	const quote = (c.quote ?? '').trim().slice(0, 500);
	const anchors = [c.anchorStart ?? null, c.anchorEnd ?? null];
	if (anchors.some((x) => x !== null && !ANCHOR.test(x)) || (anchors[0] === null) !== (anchors[1] === null))
		throw new DomainError('INVALID_INPUT', { field: 'anchor' });
	requireClause(docs, a.communityId, c.clauseId);
	return db
		.insert(rulesComment)
		.values({
			communityId: a.communityId,
			clauseId: c.clauseId,
			kind: c.kind,
			body,
			suggestion,
			quote,
			anchorStart: anchors[0],
			anchorEnd: anchors[1],
			authorUserId: a.userId,
			createdAt: new Date(now)
		})
		.returning({ id: rulesComment.id })
		.get().id;
}

function getComment(db: Db, communityId: number, id: number) {
	const c = db
		.select()
		.from(rulesComment)
		.where(and(eq(rulesComment.id, id), eq(rulesComment.communityId, communityId)))
		.get();
	if (!c) throw new DomainError('NOT_FOUND', { commentId: id });
	return c;
}

/** A committee member answers a comment or suggestion. */
export function replyToComment(
	db: Db,
	actor: Actor | null,
	parentId: number,
	body: string,
	now = Date.now()
) {
	const a = rulesEditor(actor);
	const parent = getComment(db, a.communityId, parentId);
	if (parent.kind === 'reply') throw new DomainError('INVALID_INPUT', { field: 'parentId' });
	return db
		.insert(rulesComment)
		.values({
			communityId: a.communityId,
			clauseId: parent.clauseId,
			parentId,
			kind: 'reply',
			body: checkText(body, 'body', 1000),
			authorUserId: a.userId,
			createdAt: new Date(now)
		})
		.returning({ id: rulesComment.id })
		.get().id;
}

function requireOpenSuggestion(db: Db, communityId: number, id: number) {
	const c = getComment(db, communityId, id);
	if (c.kind !== 'suggestion') throw new DomainError('INVALID_INPUT', { field: 'commentId' });
	if (c.status !== 'open') throw new DomainError('SUGGESTION_DECIDED', { status: c.status });
	return c;
}

/** 采纳: the suggested wording replaces the clause, and the edit is credited to the suggestion's author. */
export function acceptSuggestion(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	id: number,
	now = Date.now()
) {
	const a = rulesEditor(actor);
	const c = requireOpenSuggestion(db, a.communityId, id);
	requireClause(docs, a.communityId, c.clauseId);
	docs.change(rulesDocName(a.communityId), (doc) => void replaceClauseText(doc, c.clauseId, c.suggestion!));
	db.update(rulesComment)
		.set({ status: 'accepted', decidedByUserId: a.userId, decidedAt: new Date(now) })
		.where(eq(rulesComment.id, id))
		.run();
	recordEdits(db, a.communityId, [c.clauseId], c.authorUserId, now);
}

/** 不采纳: declined, with the reason the resident will read. */
export function declineSuggestion(db: Db, actor: Actor | null, id: number, reason: string, now = Date.now()) {
	const a = rulesEditor(actor);
	requireOpenSuggestion(db, a.communityId, id);
	db.update(rulesComment)
		.set({
			status: 'declined',
			reason: checkText(reason, 'reason', 500),
			decidedByUserId: a.userId,
			decidedAt: new Date(now)
		})
		.where(eq(rulesComment.id, id))
		.run();
}

/** Every comment of the community's draft with its author's name, oldest first (replies after their parent). */
export function listComments(db: Db, actor: Actor | null) {
	const a = rulesReader(actor);
	const rows = db
		.select({
			id: rulesComment.id,
			clauseId: rulesComment.clauseId,
			parentId: rulesComment.parentId,
			kind: rulesComment.kind,
			body: rulesComment.body,
			suggestion: rulesComment.suggestion,
			quote: rulesComment.quote,
			anchorStart: rulesComment.anchorStart,
			anchorEnd: rulesComment.anchorEnd,
			status: rulesComment.status,
			reason: rulesComment.reason,
			author: user.displayName,
			createdAt: rulesComment.createdAt
		})
		.from(rulesComment)
		.innerJoin(user, eq(rulesComment.authorUserId, user.id))
		.where(eq(rulesComment.communityId, a.communityId))
		.orderBy(asc(rulesComment.id))
		.all();
	const top = rows.filter((r) => r.parentId === null);
	return top.map((t) => ({ ...t, replies: rows.filter((r) => r.parentId === t.id) }));
}
