/**
 * A light y-websocket reader: a raw websocket speaking the sync and awareness protocol without a Y.Doc.
 * It asks for the whole document (sync step 1 with an empty state vector), notes when it arrives (sync
 * step 2), publishes one awareness state (a name and no cursor, renewed every 15 s like y-protocols),
 * and reads only each update's clock range (`Y.parseUpdateMeta`) to time the typists' keystrokes.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

export class YReader {
	received = 0;
	syncedAt = NaN;
	private clientId = Math.floor(Math.random() * 2 ** 31);
	private clock = 0;
	private renew?: ReturnType<typeof setInterval>;
	onUpdate?: (to: Map<number, number>, at: number) => void;

	constructor(
		private ws: WebSocket,
		readonly startedAt: number
	) {}

	static open(
		baseUrl: string,
		docName: string,
		opts: { cookie?: string; name?: string; awareness?: boolean } = {}
	): Promise<YReader> {
		const startedAt = performance.now();
		const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/yjs/${encodeURIComponent(docName)}`, {
			perMessageDeflate: false,
			headers: opts.cookie ? { cookie: opts.cookie } : {}
		});
		const r = new YReader(ws, startedAt);
		return new Promise((resolve, reject) => {
			ws.on('error', reject);
			ws.on('close', (code) => {
				if (Number.isNaN(r.syncedAt)) reject(new Error(`closed with ${code} before sync`));
				clearInterval(r.renew);
			});
			ws.on('open', () => {
				const e = encoding.createEncoder();
				encoding.writeVarUint(e, 0);
				encoding.writeVarUint(e, 0); // sync step 1
				encoding.writeVarUint8Array(e, EMPTY_STATE_VECTOR);
				ws.send(encoding.toUint8Array(e));
				if (opts.awareness !== false) {
					r.publish(opts.name ?? 'reader');
					r.renew = setInterval(() => r.publish(opts.name ?? 'reader'), 15_000);
				}
			});
			ws.on('message', (data: Buffer) => {
				const at = performance.now();
				r.received++;
				const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
				if (decoding.readVarUint(d) !== 0) return; // awareness: counted only
				const type = decoding.readVarUint(d);
				if (type === 0) {
					// The server's step 1: we have nothing it lacks.
					const e = encoding.createEncoder();
					encoding.writeVarUint(e, 0);
					encoding.writeVarUint(e, 1);
					encoding.writeVarUint8Array(e, EMPTY_UPDATE);
					ws.send(encoding.toUint8Array(e));
					return;
				}
				const update = decoding.readVarUint8Array(d);
				if (type === 1 && Number.isNaN(r.syncedAt)) {
					r.syncedAt = at;
					resolve(r);
				}
				r.onUpdate?.(Y.parseUpdateMeta(update).to, at);
			});
		});
	}

	private publish(name: string) {
		const state = JSON.stringify({ user: { name, color: '#1a73e8' }, cursor: null });
		const inner = encoding.createEncoder();
		encoding.writeVarUint(inner, 1);
		encoding.writeVarUint(inner, this.clientId);
		encoding.writeVarUint(inner, ++this.clock);
		encoding.writeVarString(inner, state);
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 1);
		encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
		if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encoding.toUint8Array(e));
	}

	close(): Promise<void> {
		clearInterval(this.renew);
		if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
		return new Promise((r) => {
			this.ws.once('close', () => r());
			this.ws.close();
		});
	}
}
