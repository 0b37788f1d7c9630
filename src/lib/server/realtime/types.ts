/** The types the Socket.IO handlers share, apart from index.ts so handlers need not import it. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/protocol';
import type { Services } from '../services';
import type { Authenticated } from './handshake';

/** A logged-in user, or the anonymous projector of one public meeting (it may only join that one). */
export type SocketData =
	| (Authenticated & { projectorMeetingId?: undefined })
	| { actor: null; sessionId: null; projectorMeetingId: number };
export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** What every handler factory receives (handlers are factories over their dependencies, so tests can hand in their own). */
export type HandlerDeps = Services & { io: Io; socket: AppSocket };
