/**
 * `scope:subscribe`: follow live changes of a community, estate or building the user belongs to.
 */
import * as v from 'valibot';
import type { Ack } from '$lib/realtime/protocol';
import { authorize, buildingScope, communityScope, estateScope } from '../authz';
import { answer, parsePayload } from './envelope';
import { scopeRoom } from './rooms';
import type { HandlerDeps } from './index';

const ScopePayload = v.strictObject({
	type: v.picklist(['community', 'estate', 'building']),
	id: v.pipe(v.number(), v.integer(), v.minValue(1))
});

export function subscribeScope({ socket, db }: HandlerDeps) {
	return (payload: unknown, ack: (res: Ack<{ room: string }>) => void) =>
		answer(ack, () => {
			const { type, id } = parsePayload(ScopePayload, payload);
			const scope =
				type === 'community'
					? communityScope(id)
					: type === 'estate'
						? estateScope(db, id)
						: buildingScope(db, id);
			authorize(socket.data.actor, 'scope.view', scope);
			const room = scopeRoom(type, id);
			socket.join(room);
			return { room };
		});
}

export function registerScopeHandlers(deps: HandlerDeps) {
	deps.socket.on('scope:subscribe', subscribeScope(deps));
}
