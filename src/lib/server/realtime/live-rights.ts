/**
 * The live layers' side of the access events (domain/access-events.ts): when a session ends or a
 * user's roles change, this node's Socket.IO sockets and Yjs connections of that session or user lose
 * at once what they lost, sending and receiving alike. Everything is read again from the database
 * first (events are hints), and only this node's own connections are touched: with several nodes each
 * one hears the same event and acts on its own.
 */
import type { Db } from '../db';
import { canViewMeeting, getMeeting } from '../domain/meetings';
import { documentAccess } from '../domain/documents';
import { isDomainError } from '../domain/errors';
import { subscribeAccessEvents, type AccessEvent } from '../domain/access-events';
import type { Reauthorization, YjsConnectionContext, YjsServer } from '../yjs';
import { authenticateSession, type Authenticated } from './handshake';
import { meFor } from './meeting';
import { meetingIdOfRoom, meetingRoom, projectorRoom, sessionRoom, userRoom } from './rooms';
import { createSessionTimers } from './session-timers';
import type { AppSocket, Io } from './types';

export function startLiveRights({ io, db }: { io: Io; db: Db }) {
	const timers = createSessionTimers(db);
	let yjs: YjsServer | undefined;

	/** This node's sockets in a room, read synchronously so nothing slips in between. */
	const localSockets = (room: string): AppSocket[] =>
		[...(io.of('/').adapter.rooms.get(room) ?? [])]
			.map((id) => io.of('/').sockets.get(id))
			.filter((s): s is AppSocket => s !== undefined);

	function endSocket(socket: AppSocket) {
		socket.emit('session:ended');
		socket.disconnect(true);
	}

	/** Leaves the meetings the user may no longer see; tells the others' screens what changed. */
	function reviewSocket(socket: AppSocket, auth: Authenticated) {
		socket.data.actor = auth.actor;
		for (const room of [...socket.rooms]) {
			const meetingId = meetingIdOfRoom(room);
			if (meetingId === null) continue;
			let meeting;
			try {
				meeting = getMeeting(db, meetingId);
			} catch (e) {
				if (!isDomainError(e)) throw e;
			}
			if (meeting && canViewMeeting(db, auth.actor, meeting)) {
				socket.emit('meeting:me', { meetingId, me: meFor(db, auth.actor, meeting) });
				continue;
			}
			void socket.leave(meetingRoom(meetingId));
			void socket.leave(projectorRoom(meetingId));
			socket.emit('meeting:left', { meetingId, code: 'FORBIDDEN' });
		}
	}

	function decideYjs(ctx: YjsConnectionContext): Reauthorization {
		const auth = ctx.sessionId ? authenticateSession(db, ctx.sessionId) : null;
		if (!auth) return 'ended';
		try {
			return documentAccess(db, auth.actor, ctx.docName, { code: ctx.code });
		} catch (e) {
			if (isDomainError(e)) return 'none';
			throw e;
		}
	}

	function endSession(sessionId: string) {
		if (authenticateSession(db, sessionId)) return; // a stale event: the session is still valid
		for (const socket of localSockets(sessionRoom(sessionId))) endSocket(socket);
		yjs?.closeSession(sessionId);
	}

	function reviewUser(userId: number) {
		for (const socket of localSockets(userRoom(userId))) {
			const auth = socket.data.sessionId ? authenticateSession(db, socket.data.sessionId) : null;
			if (auth) reviewSocket(socket, auth);
			else endSocket(socket);
		}
		yjs?.reauthorize((ctx) => ctx.user.id === userId && ctx.sessionId !== undefined, decideYjs);
	}

	const unsubscribe = subscribeAccessEvents((event: AccessEvent) => {
		if (event.kind === 'sessionsEnded') event.sessionIds.forEach(endSession);
		else event.userIds.forEach(reviewUser);
	});

	return {
		/** The Yjs server is made after this (its hooks call `watch`), so it is handed over here. */
		attachYjs(server: YjsServer) {
			yjs = server;
		},
		/** Watches a connection's session for expiry; returns what to call when it closes. */
		watch(sessionId: string, expiresAt: number): () => void {
			return timers.track(sessionId, expiresAt);
		},
		close() {
			unsubscribe();
			timers.close();
		}
	};
}
