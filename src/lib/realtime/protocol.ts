/**
 * What browser and server agree on for live connections: event names, payloads, the ack envelope
 * and close codes. Imported by both sides; no server code here.
 */
import type { MeetingClientEvents, MeetingServerEvents } from './meeting';

/** Every Socket.IO request is answered with this envelope. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/**
 * Websocket close codes of the Yjs endpoint (as in hocuspocus' CloseEvents). y-websocket gives up on
 * 4400–4499 and retries on 4500–4599, so "reconnect and be authorized again" is 4509.
 */
export const CloseCode = {
	Unauthenticated: 4401,
	Forbidden: 4403,
	NotFound: 4404,
	BadMessage: 4400,
	Reauthorize: 4509,
	/** Over the message rate: the provider waits, reconnects and syncs; its local document lost nothing. */
	TooManyMessages: 4529
} as const;

/** Socket.IO connect errors carry one of these codes in `err.message`. */
export const ConnectError = {
	Unauthenticated: 'UNAUTHENTICATED',
	BadOrigin: 'BAD_ORIGIN'
} as const;

export const SOCKET_PATH = '/socket.io';
export const YJS_PATH_PREFIX = '/yjs/';

/** Requests (client → server) are `area:verb`; broadcasts (server → client) are past tense. */
export type ClientToServerEvents = MeetingClientEvents;

export interface ServerToClientEvents extends MeetingServerEvents {
	'session:ended': () => void;
}
