/** The real socket.io-client, for the projector and the facilitator's console. */
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { Ack } from '$lib/realtime/protocol';

export function realSocket(baseUrl: string, opts: { cookie?: string; auth?: Record<string, unknown> } = {}) {
	const s = connectSocket(baseUrl, {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: opts.cookie ? { cookie: opts.cookie } : {},
		auth: opts.auth,
		reconnection: false,
		forceNew: true,
		timeout: 30_000
	});
	return new Promise<Socket>((resolve, reject) => {
		s.once('connect', () => resolve(s));
		s.once('connect_error', (e) => reject(new Error(`connect failed: ${e.message}`)));
	});
}

export async function ask<T>(s: Socket, event: string, payload: unknown): Promise<T> {
	const res: Ack<T> = await s.timeout(180_000).emitWithAck(event, payload);
	if (!res.ok) throw new Error(`${event} failed: ${res.error.code}`);
	return res.data;
}
