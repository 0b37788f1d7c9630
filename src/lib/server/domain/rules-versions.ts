/**
 * The village rules draft (村规民约) of a community: reading it, named versions (full Yjs states with
 * their text), and who changed which clause since a version. The text itself is the Yjs document
 * `rules:<communityId>`; writing it is the editor's job (documents.ts says who may).
 */
import { and, desc, eq, gte } from 'drizzle-orm';
import * as Y from 'yjs';
import { readRules, type Rules } from '$lib/rules/clauses';
import { clausesTouched } from '$lib/rules/edit';
import { rulesDocName } from '$lib/rules/schema';
import type { Db, Tx } from '../db';
import { authorize, communityScope, type Actor } from '../authz';
import { rulesEdit, rulesVersion, user } from '../db/schema';
import type { DocumentStore, EditListener } from './ports';
import { DomainError } from './errors';
import { parseDocumentName } from './documents';

export const currentRules = (docs: DocumentStore, communityId: number): Rules =>
	docs.read(rulesDocName(communityId), readRules);

/** A reader of the community's rules: any account of the community (the rules bind everyone in it). */
export const rulesReader = (actor: Actor | null) => {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	return actor;
};
/** Who may comment and suggest: residents and the community's staff. */
export const rulesCommenter = (actor: Actor | null) =>
	authorize(actor, 'rules.comment', communityScope(actor?.communityId ?? 0));
/** A member of the drafting committee, or FORBIDDEN. */
export const rulesEditor = (actor: Actor | null) =>
	authorize(actor, 'rules.edit', communityScope(actor?.communityId ?? 0));

/** Stores the draft as it is now under a name; no permission check (callers check). */
export function storeVersion(
	db: Db | Tx,
	docs: DocumentStore,
	communityId: number,
	userId: number,
	name: string,
	now: number
): number {
	const { state, text } = docs.read(rulesDocName(communityId), (doc) => ({
		state: Y.encodeStateAsUpdate(doc),
		text: readRules(doc)
	}));
	return db
		.insert(rulesVersion)
		.values({
			communityId,
			name,
			state: Buffer.from(state),
			text,
			createdByUserId: userId,
			createdAt: new Date(now)
		})
		.returning({ id: rulesVersion.id })
		.get().id;
}

/** 保存版本: a committee member names the draft as it stands. */
export function saveVersion(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	name: string,
	now = Date.now()
) {
	const a = rulesEditor(actor);
	const n = name.trim();
	if (!n || n.length > 60) throw new DomainError('INVALID_INPUT', { field: 'name' });
	return storeVersion(db, docs, a.communityId, a.userId, n, now);
}

export function listVersions(db: Db, actor: Actor | null) {
	const a = rulesReader(actor);
	return db
		.select({
			id: rulesVersion.id,
			name: rulesVersion.name,
			createdAt: rulesVersion.createdAt,
			author: user.displayName,
			text: rulesVersion.text
		})
		.from(rulesVersion)
		.innerJoin(user, eq(rulesVersion.createdByUserId, user.id))
		.where(eq(rulesVersion.communityId, a.communityId))
		.orderBy(desc(rulesVersion.id))
		.all()
		.map(({ text, ...v }) => ({ ...v, clauses: text.items.filter((i) => i.kind === 'clause').length }));
}

export function getVersion(db: Db, actor: Actor | null, id: number) {
	const a = rulesReader(actor);
	const v = db
		.select({
			id: rulesVersion.id,
			name: rulesVersion.name,
			text: rulesVersion.text,
			createdAt: rulesVersion.createdAt
		})
		.from(rulesVersion)
		.where(and(eq(rulesVersion.id, id), eq(rulesVersion.communityId, a.communityId)))
		.get();
	if (!v) throw new DomainError('NOT_FOUND', { versionId: id });
	return v;
}

const MINUTE = 60_000;

/** Records that a user changed these clauses in this minute (one row per user, clause and minute). */
export function recordEdits(
	db: Db,
	communityId: number,
	clauseIds: string[],
	userId: number,
	now = Date.now()
) {
	if (clauseIds.length === 0) return;
	const minute = Math.floor(now / MINUTE);
	db.insert(rulesEdit)
		.values(clauseIds.map((clauseId) => ({ communityId, clauseId, userId, minute })))
		.onConflictDoNothing()
		.run();
}

/** The Yjs server's listener: edits of a rules document are attributed to their author. */
export const rulesEditListener =
	(db: Db): EditListener =>
	(docName, userId, tr) => {
		const doc = parseDocumentName(docName);
		if (doc?.kind === 'rules') recordEdits(db, doc.id, clausesTouched(tr), userId);
	};

/** Who changed which clause since a version was saved (or ever, without one). */
export function changesSince(db: Db, actor: Actor | null, since: Date | null) {
	const a = rulesReader(actor);
	const rows = db
		.select({ clauseId: rulesEdit.clauseId, name: user.displayName })
		.from(rulesEdit)
		.innerJoin(user, eq(rulesEdit.userId, user.id))
		.where(
			and(
				eq(rulesEdit.communityId, a.communityId),
				gte(rulesEdit.minute, since ? Math.floor(since.getTime() / MINUTE) : 0)
			)
		)
		.all();
	const byClause = new Map<string, Set<string>>();
	for (const r of rows)
		(byClause.get(r.clauseId) ?? byClause.set(r.clauseId, new Set()).get(r.clauseId)!).add(r.name);
	return new Map([...byClause].map(([id, names]) => [id, [...names]]));
}
