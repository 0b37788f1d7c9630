/**
 * What browser and server agree on for live connections: event names, payloads, the ack envelope
 * and close codes. Imported by both sides; no server code here.
 */
import type { MeetingClientEvents, MeetingServerEvents } from './meeting';

/** Every Socket.IO request is answered with this envelope. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** Websocket close codes for refused Yjs connections (as in hocuspocus' CloseEvents). */
export const CloseCode = {
	Unauthenticated: 4401,
	Forbidden: 4403,
	NotFound: 4404,
	BadMessage: 4400
} as const;

/** Socket.IO connect errors carry one of these codes in `err.message`. */
export const ConnectError = {
	Unauthenticated: 'UNAUTHENTICATED',
	BadOrigin: 'BAD_ORIGIN'
} as const;

export const SOCKET_PATH = '/socket.io';
export const YJS_PATH_PREFIX = '/yjs/';

/** Requests (client → server) are `area:verb`; broadcasts (server → client) are past tense. */
export const Events = {
	scopeSubscribe: 'scope:subscribe',
	sessionEnded: 'session:ended'
} as const;

export type ScopeRef = { type: 'community' | 'estate' | 'building'; id: number };

export interface ClientToServerEvents extends MeetingClientEvents {
	'scope:subscribe': (payload: ScopeRef, ack: (res: Ack<{ room: string }>) => void) => void;
}

export interface ServerToClientEvents extends MeetingServerEvents {
	'session:ended': () => void;
}

export function yjsUrlPath(docName: string) {
	return YJS_PATH_PREFIX + encodeURIComponent(docName);
}
