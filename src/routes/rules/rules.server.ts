/** What the rules pages share on the server: the draft as it stands and who may do what with it. */
import { can, communityScope, type Actor } from '$lib/server/authz';
import { currentRules } from '$lib/server/domain/rules-versions';
import { getYjs } from '$lib/server/realtime';
import { DomainError } from '$lib/server/domain/errors';

/** The actor's community draft and their rights; UNAUTHENTICATED when logged out. */
export function rulesContext(actor: Actor | null) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const scope = communityScope(actor.communityId);
	return {
		communityId: actor.communityId,
		draft: currentRules(getYjs(), actor.communityId),
		canEdit: can(actor, 'rules.edit', scope),
		canComment: can(actor, 'rules.comment', scope)
	};
}

/** Milliseconds for the page (Dates do not need to cross as objects). */
export const ms = (d: Date) => d.getTime();
