/**
 * The places a meeting can be called for, in words (domain/meeting-places.ts lists them), each only
 * where the actor may manage meetings.
 */
import type { Db } from '$lib/server/db';
import { can, placeScope, type Actor } from '$lib/server/authz';
import { communityPlaces, type ScopeType } from '$lib/server/domain/meeting-places';
import { m } from '$lib/paraglide/messages';

export type { ScopeType };
export type PlaceChoice = { value: string; type: ScopeType; id: number; label: string };

const WORDS: Record<ScopeType, (name: string) => string> = {
	community: (name) => m.meetings_scope_community({ name }),
	estate: (name) => m.meetings_scope_estate({ name }),
	grid: (name) => m.meetings_scope_grid({ name }),
	building: (name) => name
};

function allPlaces(db: Db, communityId: number): PlaceChoice[] {
	return communityPlaces(db, communityId).map((p) => ({
		value: `${p.type}:${p.id}`,
		type: p.type,
		id: p.id,
		label: WORDS[p.type](p.name)
	}));
}

export function manageablePlaces(db: Db, actor: Actor | null): PlaceChoice[] {
	if (!actor) return [];
	return allPlaces(db, actor.communityId).filter((p) =>
		can(actor, 'meeting.manage', placeScope(db, p.type, p.id))
	);
}

/** The name of a meeting's place, for headings. */
export function placeLabel(db: Db, communityId: number, type: ScopeType, id: number): string {
	return allPlaces(db, communityId).find((p) => p.type === type && p.id === id)?.label ?? '';
}
