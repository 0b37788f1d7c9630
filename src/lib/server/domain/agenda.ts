/**
 * The agenda's server-side rules: linking a proposal into a meeting's agenda document (which moves
 * the proposal to "on an agenda").
 */
import type { Db } from '../db';
import { authorize, scopeWithin, type Actor } from '../authz';
import { addItem, linkedProposals } from '$lib/agenda';
import type { DocumentStore } from './ports';
import { DomainError } from './errors';
import { agendaDocName, getMeeting, meetingScope } from './meetings';
import { getProposal, moveProposal, proposalScope, type Proposal } from './proposals';

/**
 * The meeting whose agenda lists this proposal, or null. A proposal stays "on an agenda" until its
 * meeting closes even when an editor deletes its item; only a listed one is really on the agenda,
 * and an unlisted one may be put back.
 */
export function listedOnAgenda(
	docs: DocumentStore,
	p: Pick<Proposal, 'id' | 'status' | 'agendaMeetingId'>
): number | null {
	if (p.status !== 'onAgenda' || p.agendaMeetingId === null) return null;
	const meetingId = p.agendaMeetingId;
	return docs.read(agendaDocName(meetingId), (doc) => linkedProposals(doc).includes(p.id)) ? meetingId : null;
}

/**
 * Adds a proposal as a new agenda item (its title and description, 10 minutes) and marks it on the
 * agenda, both or neither. Whoever may edit the agenda may do it; the proposal must concern a place
 * inside the meeting's scope.
 */
export function addProposalToAgenda(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	meetingId: number,
	proposalId: number
): string {
	const m = getMeeting(db, meetingId);
	const scope = meetingScope(db, m);
	authorize(actor, 'agenda.edit', scope);
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	const p = getProposal(db, proposalId);
	if (!scopeWithin(proposalScope(db, p), scope)) throw new DomainError('NOT_ELIGIBLE', { proposalId });
	const docName = agendaDocName(m.id);
	const listedAt = listedOnAgenda(docs, p);
	if (listedAt !== null) throw new DomainError('ALREADY_ON_AGENDA', { meetingId: listedAt });
	if (docs.read(docName, (doc) => linkedProposals(doc).includes(proposalId)))
		throw new DomainError('DUPLICATE');
	// Already on this agenda (its item was deleted): put the item back; on another agenda it is busy.
	const relink = p.status === 'onAgenda' && p.agendaMeetingId === m.id;
	// One transaction: the agenda's update row and the proposal's status are stored together.
	return db.transaction(() => {
		if (!relink) moveProposal(db, proposalId, 'onAgenda', { agendaMeetingId: m.id });
		let itemId = '';
		docs.change(docName, (doc) => {
			itemId = addItem(doc, { title: p.title, proposalId, notes: p.description.slice(0, 2000) });
		});
		return itemId;
	});
}
