/**
 * One request per cell of the authorization matrix, and what it showed: `allow` (a success answer),
 * `deny` (401/403, a redirect to the login page, 404 for what the caller may not know exists,
 * FORBIDDEN/UNAUTHENTICATED/NOT_FOUND on a socket, 4401/4403 or a dropped write on Yjs) or `other`
 * (anything else: a validation error, a state error), which no expectation accepts, so a denial is
 * always due to authorization and not to a bad payload.
 */
import { io as connectSocket, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Db } from '$lib/server/db';
import { loadDocState } from '$lib/server/yjs/store';
import type { Ack } from '$lib/realtime/protocol';

export type Outcome = { verdict: 'allow' | 'deny' | 'other'; detail: string };

const allow = (detail: string): Outcome => ({ verdict: 'allow', detail });
const deny = (detail: string): Outcome => ({ verdict: 'deny', detail });
const other = (detail: string): Outcome => ({ verdict: 'other', detail });

const toLogin = (location: string | null | undefined) => !!location && /^\/login(?:[?#]|$)/.test(location);

/** A form action posted the way `use:enhance` posts it, so the answer says failure/redirect/success. */
export async function postAction(
	base: string,
	path: string,
	fields: Record<string, string | string[] | Blob>,
	cookie: string | undefined
): Promise<Outcome> {
	const body = new FormData();
	for (const [k, v] of Object.entries(fields)) {
		if (Array.isArray(v)) for (const x of v) body.append(k, x);
		else if (v instanceof Blob) body.append(k, v, 'roster.csv');
		else body.append(k, v);
	}
	const res = await fetch(base + path, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: base,
			accept: 'application/json',
			'x-sveltekit-action': 'true',
			...(cookie ? { cookie } : {})
		},
		body
	});
	const text = await res.text();
	let json: { type?: string; status?: number; location?: string; data?: string; error?: unknown };
	try {
		json = JSON.parse(text);
	} catch {
		return other(`HTTP ${res.status} ${text.slice(0, 120)}`);
	}
	const status = json.status ?? res.status;
	const code = codeIn(json.data ?? json.error);
	switch (json.type) {
		case 'success':
			return allow(`success ${status}`);
		case 'redirect':
			return toLogin(json.location) ? deny(`redirect ${json.location}`) : allow(`redirect ${json.location}`);
		case 'failure':
		case 'error':
			return [401, 403, 404].includes(status) || REFUSAL_CODES.includes(code)
				? deny(`${json.type} ${status} ${code}`)
				: other(`${json.type} ${status} ${code}`);
		default:
			return other(`HTTP ${res.status} ${text.slice(0, 120)}`);
	}
}

/** The domain error code in an action's answer (its data is devalue-encoded: codes appear as strings). */
function codeIn(data: unknown): string {
	const m = (typeof data === 'string' ? data : JSON.stringify(data ?? '')).match(/\\?"([A-Z][A-Z_]{2,})\\?"/);
	return m ? m[1] : '';
}

/**
 * Refusals that say "not you" rather than "not valid": the owner of a follow-up reports, an eligible
 * resident votes or rates, a resident who attended signs the minutes. The transports answer them 400
 * with the code, so the code decides.
 */
export const REFUSAL_CODES = [
	'FORBIDDEN',
	'UNAUTHENTICATED',
	'NOT_FOUND',
	'NOT_OWNER',
	'NOT_ELIGIBLE',
	'NOT_PRESENT'
];

/** A page or endpoint fetched as a browser would (no redirects followed). */
export async function get(base: string, path: string, cookie: string | undefined): Promise<Outcome> {
	const res = await fetch(base + path, {
		redirect: 'manual',
		headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) }
	});
	await res.arrayBuffer();
	const location = res.headers.get('location');
	if (res.status >= 300 && res.status < 400)
		return toLogin(location) ? deny(`${res.status} ${location}`) : allow(`${res.status} ${location}`);
	if (res.status >= 200 && res.status < 300) return allow(String(res.status));
	if ([401, 403, 404].includes(res.status)) return deny(String(res.status));
	return other(String(res.status));
}

/** Socket.IO connections, one per role, opened once and reused by every socket cell. */
export function socketsFor(base: () => string) {
	const open = new Map<string, Promise<Socket | null>>();
	/** `purpose` keeps set-up traffic on its own connection, so it never eats a probe's rate budget. */
	const connect = (cookie: string | undefined, purpose = 'probe'): Promise<Socket | null> => {
		const key = `${purpose}|${cookie ?? ''}`;
		let s = open.get(key);
		if (!s) {
			s = new Promise((resolve) => {
				const socket = connectSocket(base(), {
					path: '/socket.io',
					transports: ['websocket'],
					extraHeaders: cookie ? { cookie } : {},
					reconnection: false,
					forceNew: true,
					timeout: 10_000
				});
				socket.once('connect', () => resolve(socket));
				socket.once('connect_error', () => {
					socket.close();
					resolve(null);
				});
			});
			open.set(key, s);
		}
		return s;
	};
	const emit = async (cookie: string | undefined, event: string, payload: unknown): Promise<Outcome> => {
		const s = await connect(cookie);
		if (!s) return deny('handshake refused');
		for (let attempt = 0; ; attempt++) {
			const res: Ack<unknown> = await s.timeout(5_000).emitWithAck(event, payload);
			if (res.ok) return allow('ok');
			const code = res.error.code;
			if (code === 'RATE_LIMITED' && attempt < 30) {
				await new Promise((r) => setTimeout(r, 150));
				continue;
			}
			return REFUSAL_CODES.includes(code) ? deny(code) : other(code);
		}
	};
	/** Asks as a role and throws unless it worked: for setting up a cell. */
	const must = async <T>(cookie: string | undefined, event: string, payload: unknown): Promise<T> => {
		const s = await connect(cookie, 'setup');
		if (!s) throw new Error(`${event}: no connection`);
		for (let attempt = 0; ; attempt++) {
			const res: Ack<T> = await s.timeout(5_000).emitWithAck(event, payload);
			if (res.ok) return res.data;
			if (res.error.code !== 'RATE_LIMITED' || attempt === 50)
				throw new Error(`${event} failed: ${res.error.code}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	};
	const closeAll = async () => {
		for (const s of open.values()) (await s)?.close();
		open.clear();
	};
	return { connect, emit, must, closeAll };
}

const SYNC = 0;

function syncStep1(doc: Y.Doc): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, SYNC);
	syncProtocol.writeSyncStep1(e, doc);
	return encoding.toUint8Array(e);
}

function updateMessage(update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, SYNC);
	syncProtocol.writeUpdate(e, update);
	return encoding.toUint8Array(e);
}

/** Is the probe's key in the document as stored (snapshot plus update log)? */
function storedKey(db: Db, docName: string, key: string): boolean {
	const doc = new Y.Doc();
	loadDocState(db, docName, doc);
	return doc.getMap(PROBE_MAP).has(key);
}

const PROBE_MAP = 'authzMatrix';

/**
 * A raw y-websocket session on a document: `read` waits for the server's sync step 2 (the document's
 * content); `write` also sends an update and then asks again, so the second step 2 comes after the
 * server handled the update on this connection, and says whether the edit is in the stored document.
 */
export function yjsProbe(
	base: string,
	db: Db,
	docName: string,
	cookie: string | undefined,
	mode: 'read' | 'write',
	params = ''
): Promise<Outcome> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`${base.replace('http', 'ws')}/yjs/${docName}${params}`, {
			headers: cookie ? { cookie } : {}
		});
		const key = `probe-${crypto.randomUUID()}`;
		const doc = new Y.Doc();
		let step2s = 0;
		let done = false;
		const finish = (o: Outcome) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			ws.close();
			resolve(o);
		};
		const timer = setTimeout(() => finish(other('no answer')), 10_000);
		ws.on('open', () => ws.send(syncStep1(doc)));
		ws.on('message', (data: Buffer) => {
			const d = decoding.createDecoder(new Uint8Array(data));
			if (decoding.readVarUint(d) !== SYNC) return;
			const type = decoding.readVarUint(d);
			if (type !== syncProtocol.messageYjsSyncStep2) return;
			step2s++;
			if (mode === 'read') return finish(allow('synced'));
			if (step2s === 1) {
				const edit = new Y.Doc();
				edit.getMap(PROBE_MAP).set(key, 1);
				ws.send(updateMessage(Y.encodeStateAsUpdate(edit)));
				ws.send(syncStep1(edit));
				return;
			}
			finish(storedKey(db, docName, key) ? allow('stored') : deny('write dropped'));
		});
		ws.on('close', (code) =>
			finish(code === 4401 || code === 4403 ? deny(`closed ${code}`) : other(`closed ${code}`))
		);
		ws.on('error', (err) => finish(other(`error ${err.message}`)));
	});
}
