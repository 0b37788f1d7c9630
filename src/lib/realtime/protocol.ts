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
	/** No session, or it ended while open (logout, expiry, a reissued card, a deleted account). */
	Unauthenticated: 4401,
	/** Not allowed, or no longer: a role removed while connected. */
	Forbidden: 4403,
	/** No such document, including a name that is not canonical (`rules:01`). */
	NotFound: 4404,
	BadMessage: 4400,
	/**
	 * The update would take the document over its size budget; nothing of it was stored. Final:
	 * resending the same update could only be refused again.
	 */
	DocumentTooLarge: 4413,
	/** The writer sent more bytes than its budget per minute; nothing of it was stored. Final, as above. */
	WriterOverBudget: 4429,
	Reauthorize: 4509,
	/** Over the message rate: the provider waits, reconnects and syncs; its local document lost nothing. */
	TooManyMessages: 4529
} as const;

/** The standard code for a single message over the server's size cap (1 MiB). */
const MESSAGE_TOO_BIG = 1009;

/**
 * For the browser's y-websocket providers: reconnect unless the server said it is final (4400–4499,
 * y-websocket's own rule) or the message was too big, which a reconnect would only send again.
 */
export function shouldReconnect(event: { code: number }): boolean {
	return !(event.code >= 4400 && event.code < 4500) && event.code !== MESSAGE_TOO_BIG;
}

/** What a page tells the user when its document connection ended for good. */
export function finalCloseReason(code: number): 'tooLarge' | 'tooFast' | 'denied' {
	if (code === CloseCode.DocumentTooLarge || code === MESSAGE_TOO_BIG) return 'tooLarge';
	if (code === CloseCode.WriterOverBudget) return 'tooFast';
	return 'denied';
}

/** Socket.IO connect errors carry one of these codes in `err.message`. */
export const ConnectError = {
	Unauthenticated: 'UNAUTHENTICATED',
	BadOrigin: 'BAD_ORIGIN',
	/** Too many failed anonymous handshakes from this address; the handshake was turned away. */
	RateLimited: 'RATE_LIMITED'
} as const;

export const SOCKET_PATH = '/socket.io';
export const YJS_PATH_PREFIX = '/yjs/';

/** Requests (client → server) are `area:verb`; broadcasts (server → client) are past tense. */
export type ClientToServerEvents = MeetingClientEvents;

export interface ServerToClientEvents extends MeetingServerEvents {
	'session:ended': () => void;
}
