/**
 * Co-edited documents (Yjs) by name, and who may read or write each. The name says what the document
 * belongs to; access comes from the one authorization helper.
 *   building:<id>:notes    a building's shared notice draft (楼栋公告): its 楼栋长 and staff write, residents read
 *   meeting:<id>:agenda    a meeting's agenda: facilitators and committee write, the meeting's participants
 *                          read, and anyone with the join code may read a public meeting's agenda (the
 *                          projector needs no login)
 *   rules:<communityId>    the community's village rules draft (村规民约): the drafting committee writes,
 *                          every account of the community reads it live
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { user } from '../db/schema';
import { buildingScope, can, communityScope, type Actor } from '../authz';
import { recordAudit } from './audit';
import { DomainError } from './errors';
import { canViewMeeting, getMeeting, meetingScope } from './meetings';

export type DocumentAccess = 'write' | 'read' | 'none';

/** What a client without a session may show: the join code of a public meeting, for its projector. */
export type Credentials = { code?: string | null };

/**
 * Each kind of document, its name pattern and its size budget (what it may take in storage). The id
 * is canonical (`[1-9][0-9]*`, at most 9 digits): `rules:01` would be another document that access
 * checks read as `rules:1`, a shadow copy nobody else sees, so it is not a name at all.
 *
 * Budgets, from measured documents with room to spare: a rules draft of 6,300 characters typed and
 * revised at random places by three editors (the worst case for Yjs, which merges runs typed in
 * order) takes 165 KB; a 30-item agenda with 10,800 characters of notes, 270 KB; a 2,000-character
 * building notice, 54 KB. Deleted text shrinks to a few bytes once the log is folded into the snapshot.
 */
const KINDS = {
	notes: { re: /^building:([1-9]\d{0,8}):notes$/, budget: 1024 * 1024 },
	agenda: { re: /^meeting:([1-9]\d{0,8}):agenda$/, budget: 2 * 1024 * 1024 },
	rules: { re: /^rules:([1-9]\d{0,8})$/, budget: 4 * 1024 * 1024 }
} as const;

export type DocumentKind = keyof typeof KINDS;

/** The kind and id a document name stands for, or null for anything that is not a canonical name. */
export function parseDocumentName(docName: string): { kind: DocumentKind; id: number } | null {
	for (const [kind, { re }] of Object.entries(KINDS) as Array<[DocumentKind, (typeof KINDS)[DocumentKind]]>) {
		const m = re.exec(docName);
		if (m) return { kind, id: Number(m[1]) };
	}
	return null;
}

/** Bytes a document may take in storage (snapshot plus log); 0 for a name that is not a document. */
export function documentBudget(docName: string): number {
	const parsed = parseDocumentName(docName);
	return parsed ? KINDS[parsed.kind].budget : 0;
}

type Access = (db: Db, actor: Actor | null, id: number, creds: Credentials) => DocumentAccess;

const ACCESS: Record<DocumentKind, Access> = {
	notes: (db, actor, id) => {
		const scope = buildingScope(db, id);
		return can(actor, 'document.write', scope)
			? 'write'
			: can(actor, 'document.read', scope)
				? 'read'
				: 'none';
	},
	agenda: (db, actor, id, creds) => {
		const m = getMeeting(db, id);
		if (m.status !== 'closed' && can(actor, 'agenda.edit', meetingScope(db, m))) return 'write';
		return canViewMeeting(db, actor, m, { projector: true, code: creds.code }) ? 'read' : 'none';
	},
	// Village rules bind everyone in the community, so every account of it may read them.
	rules: (_db, actor, id) =>
		can(actor, 'rules.edit', communityScope(id)) ? 'write' : actor?.communityId === id ? 'read' : 'none'
};

/** Access to a document, or NOT_FOUND for a name that is malformed, not canonical or points at nothing. */
export function documentAccess(
	db: Db,
	actor: Actor | null,
	docName: string,
	creds: Credentials = {}
): DocumentAccess {
	const parsed = parseDocumentName(docName);
	if (!parsed) throw new DomainError('NOT_FOUND', { docName });
	return ACCESS[parsed.kind](db, actor, parsed.id, creds);
}

/** Why a co-edited change was refused: the document's budget, or the writer's bytes per minute. */
export type DocumentRefusal = 'DOCUMENT_BUDGET' | 'WRITER_BUDGET';

/**
 * Records in the audit log who sent a change that was refused for size (nothing of it was stored).
 * Sizes only, never the content.
 */
export function recordDocumentRefusal(
	db: Db,
	input: { userId: number; docName: string; reason: DocumentRefusal; bytes: number; budget: number }
): void {
	const u = db.select({ communityId: user.communityId }).from(user).where(eq(user.id, input.userId)).get();
	if (!u) return; // the anonymous projector never writes; nobody to name
	const { userId, ...detail } = input;
	recordAudit(db, {
		communityId: u.communityId,
		actorUserId: userId,
		action: 'document.refuse',
		subjectType: 'user',
		subjectId: userId,
		detail
	});
}
