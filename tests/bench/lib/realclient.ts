/** The real socket.io-client, for the projector and the facilitator's console. */
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { Ack } from '$lib/realtime/protocol';

/**
 * Connects like the real screens do, reconnecting after a drop; `rejoin` runs after each reconnect
 * (rooms are per connection), as the projector page does.
 */
export function realSocket(
	baseUrl: string,
	opts: { cookie?: string; auth?: Record<string, unknown>; rejoin?: (s: Socket) => void } = {}
) {
	const s = connectSocket(baseUrl, {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: opts.cookie ? { cookie: opts.cookie } : {},
		auth: opts.auth,
		reconnection: true,
		forceNew: true,
		timeout: 30_000
	});
	let first = true;
	s.on('connect', () => {
		if (!first) {
			console.log('[bench] a real client reconnected (its connection had dropped)');
			opts.rejoin?.(s);
		}
		first = false;
	});
	return new Promise<Socket>((resolve, reject) => {
		s.once('connect', () => resolve(s));
		s.once('connect_error', (e) => reject(new Error(`connect failed: ${e.message}`)));
	});
}

export async function ask<T>(s: Socket, event: string, payload: unknown): Promise<T> {
	const res: Ack<T> = await s.timeout(60_000).emitWithAck(event, payload);
	if (!res.ok) throw new Error(`${event} failed: ${res.error.code}`);
	return res.data;
}
