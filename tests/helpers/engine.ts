/**
 * A raw engine.io websocket speaking Socket.IO's wire protocol by hand, the way a script opening
 * thousands of connections would: it connects to the main namespace and never reconnects or answers
 * pings, so whatever closes it is the server.
 */
import WebSocket from 'ws';

export function rawEngine(baseUrl: string, opts: { cookie?: string; auth?: Record<string, unknown> } = {}) {
	const ws = new WebSocket(baseUrl.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket', {
		headers: opts.cookie ? { cookie: opts.cookie } : {}
	});
	ws.on('error', () => {});
	const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
	let refuse: (payload: string) => void;
	const refusal = new Promise<string>((resolve) => (refuse = resolve));
	/** 'connected', 'refused' (a connect error from Socket.IO) or 'rejected' (the handshake itself). */
	const outcome = new Promise<'connected' | 'refused' | 'rejected'>((resolve) => {
		ws.once('unexpected-response', (_req, res) => {
			res.resume();
			resolve('rejected');
			ws.terminate();
		});
		ws.on('message', (data: Buffer) => {
			const packet = data.toString();
			if (packet.startsWith('0')) ws.send(opts.auth ? `40${JSON.stringify(opts.auth)}` : '40');
			else if (packet.startsWith('40')) resolve('connected');
			else if (packet.startsWith('44')) {
				refuse(packet.slice(2));
				resolve('refused');
			}
		});
		ws.once('close', () => resolve('rejected'));
	});
	return { ws, outcome, refusal, closed };
}
