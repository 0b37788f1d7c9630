/**
 * `scope:subscribe`: follow live changes of a community, estate or building the user belongs to.
 */
import * as v from 'valibot';
import type { Socket } from 'socket.io';
import { authorize, buildingScope, communityScope, estateScope } from '../authz';
import type { Db } from '../db';
import { answer, parsePayload } from './envelope';
import { scopeRoom } from './rooms';
import type { Io, SocketData } from './index';

const ScopePayload = v.strictObject({
	type: v.picklist(['community', 'estate', 'building']),
	id: v.pipe(v.number(), v.integer(), v.minValue(1))
});

type Deps = { io: Io; socket: Socket<never, never, never, SocketData>; db: Db };

export function subscribeScope({ socket, db }: Deps) {
	return (payload: unknown, ack: unknown) =>
		answer(ack, () => {
			const { type, id } = parsePayload(ScopePayload, payload);
			const scope =
				type === 'community' ? communityScope(id) : type === 'estate' ? estateScope(db, id) : buildingScope(db, id);
			authorize(socket.data.actor, 'scope.view', scope);
			const room = scopeRoom(type, id);
			socket.join(room);
			return { room };
		});
}

export function registerScopeHandlers(deps: { io: Io; socket: Socket; db: Db }) {
	const d = deps as unknown as Deps;
	deps.socket.on('scope:subscribe', subscribeScope(d));
}
