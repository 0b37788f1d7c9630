/** What the rules pages share on the server: the draft as it stands and who may do what with it. */
import { can, communityScope, type Actor } from '$lib/server/authz';
import { currentRules } from '$lib/server/domain/rules-versions';
import { DomainError } from '$lib/server/domain/errors';
import type { DocumentStore } from '$lib/server/domain/ports';

/** The actor's community draft and their rights; UNAUTHENTICATED when logged out. */
export function rulesContext(docs: DocumentStore, actor: Actor | null) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const scope = communityScope(actor.communityId);
	return {
		communityId: actor.communityId,
		draft: currentRules(docs, actor.communityId),
		canEdit: can(actor, 'rules.edit', scope),
		canComment: can(actor, 'rules.comment', scope)
	};
}

/** Milliseconds for the page (Dates do not need to cross as objects). */
export const ms = (d: Date) => d.getTime();
