/**
 * What every page of a live meeting loads first: the meeting, or the error page that says why not
 * (404 for a meeting that does not exist or a bad id, 401 without a login, 403 outside its scope).
 */
import { error } from '@sveltejs/kit';
import { listItems, type AgendaItem } from '$lib/agenda';
import { m as msg } from '$lib/paraglide/messages';
import type { Actor } from '$lib/server/authz';
import { can } from '$lib/server/authz';
import type { Db } from '$lib/server/db';
import { isDomainError } from '$lib/server/domain/errors';
import type { DocumentStore } from '$lib/server/domain/ports';
import {
	agendaDocName,
	canViewMeeting,
	getMeeting,
	meetingScope,
	type Meeting
} from '$lib/server/domain/meetings';
import { meetingState } from '$lib/server/domain/meeting-state';

export function parseMeetingId(raw: string): number {
	const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
	if (!id) error(404, { message: msg.error_NOT_FOUND(), code: 'NOT_FOUND' });
	return id;
}

function findMeeting(db: Db, id: number): Meeting {
	try {
		return getMeeting(db, id);
	} catch (e) {
		if (isDomainError(e)) error(404, { message: msg.error_NOT_FOUND(), code: 'NOT_FOUND' });
		throw e;
	}
}

function refuse(actor: Actor | null): never {
	if (!actor) error(401, { message: msg.error_UNAUTHENTICATED(), code: 'UNAUTHENTICATED' });
	error(403, { message: msg.error_FORBIDDEN(), code: 'FORBIDDEN' });
}

/**
 * Loads a meeting for one kind of screen. `projector` lets anyone with the join code see a public
 * meeting's screen; `console` needs the right to run the meeting or to co-edit its agenda (the 两委
 * committee drafts agendas with the facilitator; running the meeting stays with those who manage it).
 * The join code itself goes only to those who run the meeting or already hold it: a phone that had it
 * could check in from home.
 */
export function meetingForScreen(
	db: Db,
	actor: Actor | null,
	rawId: string,
	as: 'phone' | 'console' | 'projector',
	code: string | null = null
) {
	const m = findMeeting(db, parseMeetingId(rawId));
	const scope = meetingScope(db, m);
	const canManage = can(actor, 'meeting.manage', scope);
	const projector = as === 'projector';
	const allowed =
		as === 'console'
			? canManage || can(actor, 'agenda.edit', scope)
			: canViewMeeting(db, actor, m, { projector, code });
	if (!allowed) refuse(actor);
	const holdsCode = canManage || (projector && code === m.joinCode);
	return {
		meeting: {
			id: m.id,
			title: m.title,
			place: m.place,
			startsAt: m.startsAt.getTime(),
			isPublic: m.isPublic,
			joinCode: holdsCode ? m.joinCode : null,
			body: m.body,
			rotatingCheckIn: m.rotatingCheckIn
		},
		canManage,
		state: meetingState(db, m.id)
	};
}

/**
 * The agenda as the server holds it (every update is stored before it is relayed, so this is
 * current): the first paint on a slow phone and the projector's source when it may not open the Yjs
 * socket. Read through the document store, as every other server-side reader does.
 */
export function storedAgenda(docs: DocumentStore, meetingId: number): AgendaItem[] {
	return docs.read(agendaDocName(meetingId), listItems);
}
