/**
 * Co-edited documents (Yjs) by name, and who may read or write each. The name says what the
 * document belongs to; its scope decides access through the one authorization helper.
 *   building:<id>:notes   a building's shared notice draft (楼栋公告), written by its 楼栋长 and staff
 * Meetings' agendas and the village rules join this list with their issues.
 */
import type { Db } from '../db';
import { buildingScope, can, type Actor, type Scope } from '../authz';
import { DomainError } from './errors';

export type DocumentAccess = 'write' | 'read' | 'none';

const PATTERNS: Array<{ re: RegExp; scope: (db: Db, m: RegExpMatchArray) => Scope }> = [
	{ re: /^building:(\d{1,9}):notes$/, scope: (db, m) => buildingScope(db, Number(m[1])) }
];

/** The scope of a document, or NOT_FOUND for a name that is malformed or points at nothing. */
export function documentScope(db: Db, docName: string): Scope {
	for (const { re, scope } of PATTERNS) {
		const m = docName.match(re);
		if (m) return scope(db, m);
	}
	throw new DomainError('NOT_FOUND', { docName });
}

export function documentAccess(db: Db, actor: Actor | null, docName: string): DocumentAccess {
	const scope = documentScope(db, docName);
	if (can(actor, 'document.write', scope)) return 'write';
	if (can(actor, 'document.read', scope)) return 'read';
	return 'none';
}
