/**
 * Attaches the live transports to the HTTP server: Socket.IO at /socket.io and the Yjs endpoint at
 * /yjs/<docName>. Both authenticate with the session cookie, lose what a user lost as soon as the
 * domain says so (live-rights.ts), and turn away an address that fails too many anonymous handshakes.
 * Upgrades for other paths are refused in production and left alone in dev (they are Vite's HMR).
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import { ConnectError, CloseCode, SOCKET_PATH, YJS_PATH_PREFIX } from '$lib/realtime/protocol';
import type { Db } from '../db';
import { documentAccess, documentBudget, recordDocumentRefusal } from '../domain/documents';
import { isDomainError } from '../domain/errors';
import { onPollsChanged } from '../domain/meeting-events';
import { createYjsServer, type YjsConnectionContext } from '../yjs';
import { rulesEditListener } from '../domain/rules-versions';
import { memoryLimiter } from '../rate-limit';
import { startSweeps } from '../sweeps';
import {
	authenticateRequest,
	handshakeAddress,
	originAllowed,
	type AddressSource,
	type Authenticated
} from './handshake';
import { ANONYMOUS_HANDSHAKES, HandshakeLimiter } from './handshake-limit';
import { startLiveRights } from './live-rights';
import { projectorHandshake, registerMeetingHandlers, startMeetingBroadcasts } from './meeting';
import { registerPollHandlers, startPollScheduler } from './poll';
import { createGroupCommit } from './group-commit';
import { sessionRoom, userRoom } from './rooms';
import type { AppSocket, Io } from './types';

export { broadcastMeetingState } from './meeting';

export type { AppSocket, HandlerDeps, Io, SocketData } from './types';

export function attachRealtime(
	httpServer: HttpServer,
	{
		db,
		production,
		publicOrigin,
		addressSource = {}
	}: { db: Db; production: boolean; publicOrigin?: string; addressSource?: AddressSource }
) {
	const anonymous = new HandshakeLimiter(ANONYMOUS_HANDSHAKES.max, ANONYMOUS_HANDSHAKES.windowMs);
	/** An engine handshake's session, read once in allowRequest and used by the connect middleware. */
	const handshakes = new WeakMap<IncomingMessage, { auth: Authenticated | null; reserved: string | null }>();
	const server: Io = new Server(httpServer, {
		path: SOCKET_PATH,
		serveClient: false,
		perMessageDeflate: false, // measured: deflate multiplies latency and memory at 1,000 phones
		destroyUpgrade: false, // other upgrade listeners (Yjs, Vite HMR) get their turn
		maxHttpBufferSize: 64 * 1024,
		allowRequest: (req, done) => {
			if (!originAllowed(req, publicOrigin)) return done(null, false);
			const auth = authenticateRequest(db, req);
			const address = auth ? null : handshakeAddress(req, addressSource);
			if (address !== null && !anonymous.reserve(address)) return done(ConnectError.RateLimited, false);
			handshakes.set(req, { auth, reserved: address });
			done(null, true);
		}
	});
	server.use((socket, next) => {
		// Read afresh if this engine connection asks again (its handshake's answer is used once).
		const handshake = handshakes.get(socket.request);
		handshakes.delete(socket.request);
		const auth = handshake ? handshake.auth : authenticateRequest(db, socket.request);
		if (auth) {
			socket.data = auth;
			return next();
		}
		const projectorMeetingId = projectorHandshake(db, socket.handshake.auth);
		if (projectorMeetingId === null) {
			next(new Error(ConnectError.Unauthenticated));
			// Socket.IO sends the error on the next tick and would keep the engine connection open for
			// another try; a refused client gets nothing more (the close waits for the error to go out).
			setImmediate(() => socket.conn.close());
			return;
		}
		if (handshake?.reserved) anonymous.release(handshake.reserved);
		socket.data = { actor: null, sessionId: null, projectorMeetingId };
		next();
	});
	const rights = startLiveRights({ io: server, db });
	const yjsWatches = new Map<YjsConnectionContext, () => void>();
	/** One audit entry per writer, document and reason a minute: a script retrying is not a new fact. */
	const refusalsAudited = memoryLimiter('documentRefusalAudit', 1, 60);
	const yjs = createYjsServer({
		db,
		onEdit: rulesEditListener(db),
		documentBudget,
		onRefused: (ctx, refusal) => {
			const key = `${ctx.user.id}|${refusal.docName}|${refusal.reason}`;
			void refusalsAudited.take(key).then((wait) => {
				if (wait === 0) recordDocumentRefusal(db, { userId: ctx.user.id, ...refusal });
			});
		},
		onOpen: (ctx) => {
			if (ctx.sessionId && ctx.sessionExpiresAt)
				yjsWatches.set(ctx, rights.watch(ctx.sessionId, ctx.sessionExpiresAt));
		},
		onClose: (ctx) => {
			yjsWatches.get(ctx)?.();
			yjsWatches.delete(ctx);
		}
	});
	rights.attachYjs(yjs);
	const broadcasts = startMeetingBroadcasts(server, db);
	const polls = startPollScheduler(db);
	const sweeps = startSweeps(db);
	const commit = createGroupCommit(db);
	// However a poll was opened, closed or withdrawn (socket, form action, timer): every screen follows.
	const offPolls = onPollsChanged((meetingId) => {
		broadcasts.schedule(meetingId);
		polls.reschedule();
	});
	server.on('connection', (socket) => {
		socket.use(guardPackets(socket, db));
		if (socket.data.actor) {
			void socket.join([sessionRoom(socket.data.sessionId), userRoom(socket.data.actor.userId)]);
			socket.once('disconnect', rights.watch(socket.data.sessionId, socket.data.expiresAt));
		}
		registerMeetingHandlers({ io: server, socket, db, docs: yjs });
		registerPollHandlers({ io: server, socket, db, docs: yjs }, { commit });
	});

	httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = (req.url ?? '').split('?')[0];
		if (path.startsWith(SOCKET_PATH + '/')) return; // engine.io's own listener takes it
		if (path.startsWith(YJS_PATH_PREFIX)) return upgradeYjs(req, socket, head);
		if (production) socket.destroy();
	});

	/**
	 * A Yjs handshake: decode the name, then ask the domain for this user's access. Without a session
	 * only documents readable by anyone (a public meeting's agenda, for the projector) are served, and
	 * an address past its cap of failed anonymous handshakes is turned away before anything is read.
	 */
	function upgradeYjs(req: IncomingMessage, socket: Duplex, head: Buffer) {
		const refuse = (code: number, reason: string) => yjs.refuseUpgrade(req, socket, head, code, reason);
		if (!originAllowed(req, publicOrigin)) return refuse(CloseCode.Forbidden, 'BAD_ORIGIN');
		const auth = authenticateRequest(db, req);
		const address = auth ? null : handshakeAddress(req, addressSource);
		if (address !== null && !anonymous.reserve(address)) {
			socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		let docName: string;
		let code: string | null;
		let access;
		try {
			const url = new URL(req.url ?? '/', 'http://localhost');
			docName = decodeURIComponent(url.pathname.slice(YJS_PATH_PREFIX.length));
			code = url.searchParams.get('code');
			access = documentAccess(db, auth?.actor ?? null, docName, { code });
		} catch (e) {
			if (!isDomainError(e)) {
				// A malformed name (bad %-escape) is not found; anything else is ours, but must not crash the process.
				if (!(e instanceof URIError)) console.error('yjs upgrade failed', e);
				return refuse(CloseCode.NotFound, 'NOT_FOUND');
			}
			return auth ? refuse(CloseCode.NotFound, e.code) : refuse(CloseCode.Unauthenticated, 'UNAUTHENTICATED');
		}
		if (access === 'none')
			return auth
				? refuse(CloseCode.Forbidden, 'FORBIDDEN')
				: refuse(CloseCode.Unauthenticated, 'UNAUTHENTICATED');
		if (address !== null) anonymous.release(address);
		yjs.handleUpgrade(req, socket, head, {
			docName,
			canWrite: access === 'write' && auth !== null,
			user: auth ? { id: auth.actor.userId, name: auth.actor.displayName } : { id: 0, name: 'projector' },
			sessionId: auth?.sessionId,
			sessionExpiresAt: auth?.expiresAt,
			code: auth ? undefined : code
		});
	}

	return {
		io: server,
		yjs,
		async close() {
			offPolls();
			polls.close();
			sweeps.close();
			broadcasts.close();
			rights.close();
			await yjs.close();
			server.disconnectSockets(true);
			await new Promise<void>((resolve) => void server.close(() => resolve()));
		}
	};
}

/** A phone may burst (reconnect, retries) but not flood: ~20 requests a second, refilled continuously. */
const BUCKET_SIZE = 20;
const REFILL_PER_MS = 20 / 1000;

/** What an anonymous projector may ask: to follow its meeting and for the check-in code to show. */
const PROJECTOR_EVENTS = new Set(['meeting:join', 'attendance:showCode']);

/**
 * Runs before every handler of a socket: answers RATE_LIMITED beyond the bucket, and FORBIDDEN to an
 * anonymous projector for anything but `meeting:join` and `attendance:showCode` (which check the
 * meeting and the join code themselves). It also reads
 * the session and roles afresh, so a role taken away or a session that ran out stops counting at once,
 * not at the next reconnect (a few indexed reads, cheap next to a broadcast).
 */
function guardPackets(socket: AppSocket, db: Db) {
	let tokens = BUCKET_SIZE;
	let last = Date.now();
	return (packet: unknown[], next: (err?: Error) => void) => {
		const now = Date.now();
		tokens = Math.min(BUCKET_SIZE, tokens + (now - last) * REFILL_PER_MS);
		last = now;
		const refuse = (code: 'RATE_LIMITED' | 'FORBIDDEN' | 'UNAUTHENTICATED') => {
			const ack = packet[packet.length - 1];
			if (typeof ack === 'function') ack({ ok: false, error: { code, message: code } });
		};
		if (tokens < 1) return refuse('RATE_LIMITED');
		tokens -= 1;
		if (socket.data.actor === null)
			return PROJECTOR_EVENTS.has(String(packet[0])) ? next() : refuse('FORBIDDEN');
		const auth = authenticateRequest(db, socket.request);
		if (!auth || auth.sessionId !== socket.data.sessionId) {
			refuse('UNAUTHENTICATED');
			socket.emit('session:ended');
			socket.disconnect(true);
			return;
		}
		socket.data.actor = auth.actor;
		next();
	};
}
