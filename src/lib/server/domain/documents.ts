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
import type { Db } from '../db';
import { buildingScope, can, communityScope, type Actor } from '../authz';
import { DomainError } from './errors';
import { canViewMeeting, getMeeting, meetingScope } from './meetings';

export type DocumentAccess = 'write' | 'read' | 'none';

/** What a client without a session may show: the join code of a public meeting, for its projector. */
export type Credentials = { code?: string | null };

type Rule = {
	re: RegExp;
	access: (db: Db, actor: Actor | null, id: number, creds: Credentials) => DocumentAccess;
};

const RULES: Rule[] = [
	{
		re: /^building:(\d{1,9}):notes$/,
		access: (db, actor, id) => {
			const scope = buildingScope(db, id);
			return can(actor, 'document.write', scope)
				? 'write'
				: can(actor, 'document.read', scope)
					? 'read'
					: 'none';
		}
	},
	{
		re: /^meeting:(\d{1,9}):agenda$/,
		access: (db, actor, id, creds) => {
			const m = getMeeting(db, id);
			if (m.status !== 'closed' && can(actor, 'agenda.edit', meetingScope(db, m))) return 'write';
			return canViewMeeting(db, actor, m, { projector: true, code: creds.code }) ? 'read' : 'none';
		}
	},
	{
		re: /^rules:(\d{1,9})$/,
		// Village rules bind everyone in the community, so every account of it may read them.
		access: (_db, actor, id) =>
			can(actor, 'rules.edit', communityScope(id)) ? 'write' : actor?.communityId === id ? 'read' : 'none'
	}
];

/** Access to a document, or NOT_FOUND for a name that is malformed or points at nothing. */
export function documentAccess(
	db: Db,
	actor: Actor | null,
	docName: string,
	creds: Credentials = {}
): DocumentAccess {
	for (const { re, access } of RULES) {
		const m = docName.match(re);
		if (m) return access(db, actor, Number(m[1]), creds);
	}
	throw new DomainError('NOT_FOUND', { docName });
}
