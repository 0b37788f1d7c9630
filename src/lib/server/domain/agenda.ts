/**
 * The agenda's server-side rules: who may read or write a meeting's agenda document, and linking a
 * proposal into it (which moves the proposal to "on an agenda").
 */
import type { Db } from '../db';
import type { Actor } from '../authz';
import { addItem, linkedProposals } from '$lib/agenda';
import type { DocumentStore } from '../yjs';
import { DomainError } from './errors';
import { agendaDocName, meetingFor } from './meetings';
import { getProposal, putOnAgenda } from './proposals';

/** Adds a proposal as a new agenda item (its title, 10 minutes) and marks it on the agenda. */
export function addProposalToAgenda(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	meetingId: number,
	proposalId: number
): string {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	const p = getProposal(db, proposalId);
	if (p.communityId !== m.communityId) throw new DomainError('NOT_FOUND', { proposalId });
	const docName = agendaDocName(m.id);
	if (docs.read(docName, (doc) => linkedProposals(doc).includes(proposalId)))
		throw new DomainError('DUPLICATE');
	putOnAgenda(db, actor, proposalId); // checks the status transition before the document changes
	let itemId = '';
	docs.change(docName, (doc) => {
		itemId = addItem(doc, { title: p.title, proposalId, notes: p.description.slice(0, 2000) });
	});
	return itemId;
}
