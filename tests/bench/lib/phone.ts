/**
 * A light phone: Engine.IO v4 / Socket.IO v5 over `ws` with a tiny encoder and decoder, so one load
 * process can hold thousands. Packets: "0{…}" open → "40" connect → "40{sid}" ok / "44{…}" refused;
 * "2" ping → "3" pong; "42[event,payload]" events; "42<id>[…]" requests and "43<id>[…]" acks.
 * Broadcasts are counted, and parsed only when a listener asks for them.
 */
import WebSocket from 'ws';

export type PhoneOptions = { cookie?: string; auth?: unknown; onEvent?: (raw: string, at: number) => void };

export class Phone {
	received = 0;
	/** The server closed this connection (not us). */
	dropped = false;
	private closing = false;
	private nextId = 1;
	private acks = new Map<number, (data: unknown, at: number) => void>();
	private constructor(
		private ws: WebSocket,
		private opts: PhoneOptions
	) {}

	static connect(baseUrl: string, opts: PhoneOptions = {}): Promise<Phone> {
		const url = `${baseUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
		const ws = new WebSocket(url, {
			perMessageDeflate: false,
			headers: opts.cookie ? { cookie: opts.cookie } : {}
		});
		const phone = new Phone(ws, opts);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				ws.terminate();
				reject(new Error('phone connect timed out'));
			}, 30_000);
			ws.on('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
			ws.on('close', () => {
				if (!phone.closing) phone.dropped = true;
			});
			ws.on('message', (data: Buffer) => {
				const at = performance.now();
				const s = data.toString();
				const c = s.charCodeAt(0);
				if (c === 50 /* 2 ping */) return ws.send('3');
				if (c === 48 /* 0 open */) return ws.send(opts.auth ? `40${JSON.stringify(opts.auth)}` : '40');
				if (c !== 52 /* 4 message */) return;
				const t = s.charCodeAt(1);
				if (t === 48 /* 40 connected */) {
					clearTimeout(timer);
					resolve(phone);
				} else if (t === 52 /* 44 refused */) {
					clearTimeout(timer);
					ws.close();
					reject(new Error(`refused: ${s.slice(2)}`));
				} else if (t === 50 /* 42 event */) {
					phone.received++;
					phone.opts.onEvent?.(s, at);
				} else if (t === 51 /* 43 ack */) {
					phone.received++;
					const bracket = s.indexOf('[');
					const id = Number(s.slice(2, bracket));
					const cb = phone.acks.get(id);
					phone.acks.delete(id);
					cb?.((JSON.parse(s.slice(bracket)) as unknown[])[0], at);
				}
			});
		});
	}

	set onEvent(fn: ((raw: string, at: number) => void) | undefined) {
		this.opts.onEvent = fn;
	}

	/** Sends a request; resolves with the ack's first argument and the time it arrived. */
	request<T = unknown>(event: string, payload: unknown): Promise<{ data: T; at: number }> {
		const id = this.nextId++;
		return new Promise((resolve) => {
			this.acks.set(id, (data, at) => resolve({ data: data as T, at }));
			this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
		});
	}

	close() {
		this.closing = true;
		this.ws.close();
	}

	closed(): Promise<void> {
		if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
		return new Promise((r) => this.ws.once('close', () => r()));
	}
}

/** Connects many phones, `parallel` at a time. */
export async function connectPhones(
	baseUrl: string,
	options: PhoneOptions[],
	parallel = 100
): Promise<Phone[]> {
	const phones: Phone[] = new Array(options.length);
	let next = 0;
	const worker = async () => {
		while (next < options.length) {
			const i = next++;
			phones[i] = await Phone.connect(baseUrl, options[i]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, options.length) }, worker));
	return phones;
}
