/** Socket.IO clients for integration tests: connect with a session cookie, ask, and await broadcasts. */
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { Ack } from '$lib/realtime/protocol';
import type { MeetingState } from '$lib/realtime/meeting';

/** Sockets opened against one server, closed together after each test. */
export function socketPool(url: () => string) {
	const sockets: Socket[] = [];
	const socketFor = (cookie: string): Socket => {
		const s = connectSocket(url(), {
			path: '/socket.io',
			transports: ['websocket'],
			extraHeaders: { cookie },
			reconnection: false,
			forceNew: true,
			timeout: 10_000
		});
		sockets.push(s);
		return s;
	};
	const connected = (cookie: string): Promise<Socket> => {
		const s = socketFor(cookie);
		return new Promise((resolve, reject) => {
			s.once('connect', () => resolve(s));
			s.once('connect_error', (err) => reject(new Error(`connect failed: ${err.message}`)));
		});
	};
	const closeAll = () => {
		while (sockets.length) sockets.pop()!.close();
	};
	return { socketFor, connected, closeAll };
}

/**
 * One request, bounded. A RATE_LIMITED answer (nothing was done) is retried after a moment, the way
 * a phone backs off; every other answer is returned as is.
 */
export async function request<T>(s: Socket, event: string, payload: unknown): Promise<Ack<T>> {
	for (let attempt = 0; ; attempt++) {
		const res: Ack<T> = await s.timeout(10_000).emitWithAck(event, payload);
		if (res.ok || res.error.code !== 'RATE_LIMITED' || attempt === 20) return res;
		await new Promise((r) => setTimeout(r, 100));
	}
}

export async function ok<T>(s: Socket, event: string, payload: unknown): Promise<T> {
	const res = await request<T>(s, event, payload);
	if (!res.ok) throw new Error(`${event} failed: ${res.error.code}`);
	return res.data;
}

export async function refused(s: Socket, event: string, payload: unknown): Promise<string> {
	const res = await request(s, event, payload);
	if (res.ok) throw new Error(`${event} ${JSON.stringify(payload)} was accepted`);
	return res.error.code;
}

/** The first `meeting:state` broadcast that satisfies `test`; register before acting. */
export function stateWhere(
	s: Socket,
	test: (st: MeetingState) => boolean,
	ms = 5_000
): Promise<MeetingState> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			s.off('meeting:state', on);
			reject(new Error(`no matching meeting:state within ${ms} ms`));
		}, ms);
		const on = (st: MeetingState) => {
			if (!test(st)) return;
			clearTimeout(timer);
			s.off('meeting:state', on);
			resolve(st);
		};
		s.on('meeting:state', on);
	});
}
