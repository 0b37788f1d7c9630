/**
 * Attaches the live transports to the HTTP server: Socket.IO at /socket.io and the Yjs endpoint at
 * /yjs/<docName>. Both authenticate with the session cookie. Upgrades for other paths are refused in
 * production and left alone in dev (they are Vite's HMR).
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server, type Socket } from 'socket.io';
import { ConnectError, CloseCode, SOCKET_PATH, YJS_PATH_PREFIX } from '$lib/realtime/protocol';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/protocol';
import type { Db } from '../db';
import { documentAccess } from '../domain/documents';
import { isDomainError } from '../domain/errors';
import { createYjsServer } from '../yjs';
import { authenticateRequest, originAllowed, type Authenticated } from './handshake';
import { registerScopeHandlers } from './scope';
import { sessionRoom, userRoom } from './rooms';

export type SocketData = Authenticated;
export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** What every handler factory receives (CONVENTIONS: handlers are factories over their dependencies). */
export type HandlerDeps = { io: Io; socket: AppSocket; db: Db };

let io: Io | undefined;

/** The Socket.IO server, for form actions that broadcast (undefined during `vite build`). */
export function getIo(): Io | undefined {
	return io;
}

export function attachRealtime(
	httpServer: HttpServer,
	{ db, production, publicOrigin }: { db: Db; production: boolean; publicOrigin?: string }
) {
	const server: Io = new Server(httpServer, {
		path: SOCKET_PATH,
		serveClient: false,
		perMessageDeflate: false, // measured: deflate multiplies latency and memory at 1,000 phones
		destroyUpgrade: false, // other upgrade listeners (Yjs, Vite HMR) get their turn
		maxHttpBufferSize: 64 * 1024,
		allowRequest: (req, done) => done(null, originAllowed(req, publicOrigin))
	});
	server.use((socket, next) => {
		const auth = authenticateRequest(db, socket.request);
		if (!auth) return next(new Error(ConnectError.Unauthenticated));
		socket.data = auth;
		next();
	});
	server.on('connection', (socket) => {
		socket.join([sessionRoom(socket.data.sessionId), userRoom(socket.data.actor.userId)]);
		registerScopeHandlers({ io: server, socket, db });
	});

	const yjs = createYjsServer({ db });
	httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = (req.url ?? '').split('?')[0];
		if (path.startsWith(SOCKET_PATH + '/')) return; // engine.io's own listener takes it
		if (path.startsWith(YJS_PATH_PREFIX)) return upgradeYjs(req, socket, head);
		if (production) socket.destroy();
	});

	function upgradeYjs(req: IncomingMessage, socket: Duplex, head: Buffer) {
		if (!originAllowed(req, publicOrigin))
			return yjs.refuseUpgrade(req, socket, head, CloseCode.Forbidden, 'BAD_ORIGIN');
		const auth = authenticateRequest(db, req);
		if (!auth) return yjs.refuseUpgrade(req, socket, head, CloseCode.Unauthenticated, 'UNAUTHENTICATED');
		let docName: string;
		try {
			docName = decodeURIComponent((req.url ?? '').split('?')[0].slice(YJS_PATH_PREFIX.length));
		} catch {
			return yjs.refuseUpgrade(req, socket, head, CloseCode.NotFound, 'NOT_FOUND');
		}
		let access;
		try {
			access = documentAccess(db, auth.actor, docName);
		} catch (e) {
			if (isDomainError(e)) return yjs.refuseUpgrade(req, socket, head, CloseCode.NotFound, e.code);
			throw e;
		}
		if (access === 'none') return yjs.refuseUpgrade(req, socket, head, CloseCode.Forbidden, 'FORBIDDEN');
		yjs.handleUpgrade(req, socket, head, {
			docName,
			canWrite: access === 'write',
			user: { id: auth.actor.userId, name: auth.actor.displayName }
		});
	}

	io = server;
	return {
		io: server,
		yjs,
		async close() {
			await yjs.close();
			server.disconnectSockets(true);
			await new Promise<void>((resolve) => server.close(() => resolve()));
			io = undefined;
		}
	};
}

/** Logging out ends that session's live connections too. */
export function disconnectSession(sessionId: string) {
	io?.in(sessionRoom(sessionId)).emit('session:ended');
	io?.in(sessionRoom(sessionId)).disconnectSockets(true);
}
