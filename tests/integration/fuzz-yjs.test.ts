/**
 * Hostile input on the Yjs endpoint: random bytes, truncated varints, unknown
 * message and sync types, huge length prefixes, sync step 2 / updates with garbage inside, awareness
 * garbage, text frames and oversize frames, from an editor (facilitator) and a reader (resident) of a
 * meeting's agenda. The server must stay up, close with one of its own close codes or ignore the
 * message, and the stored agenda must read the same afterwards. Seeded: FUZZ_SEED / FUZZ_RUNS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting } from '$lib/server/domain/meetings';
import { addItem, listItems } from '$lib/agenda';
import { YjsCloseCode } from '$lib/server/yjs/close-codes';
import { startServer, type TestServer } from '../helpers/server';
import { residentsOf } from '../helpers/residents';
import { login, postForm } from '../helpers/http';
import { createSession, generateSessionToken } from '$lib/server/session';
import { NODE, RULES_FRAGMENT } from '$lib/rules/schema';
import { providerFor, synced } from '../helpers/yjs';
import { io as connectSocket } from 'socket.io-client';
import type { Ack } from '$lib/realtime/protocol';
import { ok } from '../helpers/sockets';
import { announceSeed, fuzzParams, fuzzTimeout, healthy, HTML_PAYLOADS } from '../helpers/fuzz';

let server: TestServer;
let db: Db;
let docName = '';
const cookies = { editor: '', reader: '' };
let original = '';

/** The agenda as stored (snapshot + log, read with a separate readonly handle), as JSON. */
function storedAgenda(): { text: string; rows: string } {
	const ro = new Database(server.dbPath, { readonly: true });
	try {
		const snap = ro.prepare('select state from yjs_snapshot where doc_name = ?').get(docName) as
			{ state: Buffer } | undefined;
		const rows = ro
			.prepare('select id, "update" from yjs_update where doc_name = ? order by id')
			.all(docName) as Array<{
			id: number;
			update: Buffer;
		}>;
		const doc = new Y.Doc();
		if (snap) Y.applyUpdate(doc, snap.state);
		for (const r of rows) Y.applyUpdate(doc, r.update);
		return {
			text: JSON.stringify(listItems(doc)),
			// The merged content and state vector, not the row layout: closing the last connection may
			// fold the log into the snapshot.
			rows:
				JSON.stringify(Object.entries(doc.getMap('items').toJSON()).sort(([a], [b]) => (a < b ? -1 : 1))) +
				Buffer.from(Y.encodeStateVector(doc)).toString('base64')
		};
	} finally {
		ro.close();
	}
}

beforeAll(async () => {
	announceSeed('yjs');
	server = await startServer();
	db = openDatabase(server.dbPath);
	cookies.editor = await login(server.url, 'facilitator');
	const residentId = (
		db.$client.prepare('select id from resident order by id limit 1').get() as { id: number }
	).id;
	cookies.reader = residentsOf(() => db).cookieFor(residentId);
	const facilitator = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	const meetingId = createMeeting(db, facilitator, {
		title: '议程模糊测试',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	docName = `meeting:${meetingId}:agenda`;
	const doc = new Y.Doc();
	const provider = providerFor(server.url, docName, cookies.editor, doc);
	await synced(provider);
	addItem(doc, { title: '加装电梯', notes: '一楼住户的意见' });
	addItem(doc, { title: '停车位', notes: '' });
	for (let i = 0; i < 100 && storedAgenda().text !== JSON.stringify(listItems(doc)); i++)
		await new Promise((r) => setTimeout(r, 50));
	provider.destroy();
	original = storedAgenda().text;
	expect(JSON.parse(original)).toHaveLength(2);
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

const RULES = {
	votingUnit: 'household',
	whoMayVote: 'present',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};

/** A sync update message whose update decodes and applies: an edit the editor may make, not garbage. */
function isCleanUpdate(data: Uint8Array | string): boolean {
	if (typeof data === 'string' || data[0] !== 0 || (data[1] !== 1 && data[1] !== 2)) return false;
	try {
		const d = decoding.createDecoder(data);
		decoding.readVarUint(d);
		decoding.readVarUint(d);
		Y.applyUpdate(new Y.Doc(), decoding.readVarUint8Array(d));
		return true;
	} catch {
		return false;
	}
}

const varUint = (n: number) => {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, n);
	return encoding.toUint8Array(e);
};
const cat = (...parts: Array<Uint8Array | number[]>) => Uint8Array.from(parts.flatMap((p) => [...p]));
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

/** Each kind of malformed message, labelled for the figures. */
const messages: fc.Arbitrary<{ kind: string; data: Uint8Array | string }> = fc.oneof(
	bytes(300).map((d) => ({ kind: 'random bytes', data: d })),
	fc.constantFrom([0x80], [0x00, 0xff], [0x00, 0x01, 0xff, 0xff], [0x01, 0x80, 0x80], []).map((d) => ({
		kind: 'truncated varint',
		data: Uint8Array.from(d)
	})),
	fc.tuple(fc.integer({ min: 4, max: 2 ** 31 }), bytes(20)).map(([t, rest]) => ({
		kind: 'unknown message type',
		data: cat(varUint(t), rest)
	})),
	fc.tuple(fc.integer({ min: 3, max: 1000 }), bytes(20)).map(([t, rest]) => ({
		kind: 'unknown sync type',
		data: cat([0], varUint(t), rest)
	})),
	fc
		.tuple(fc.constantFrom(0, 1, 2), fc.integer({ min: 2 ** 20, max: 2 ** 52 }), bytes(16))
		.map(([s, len, rest]) => ({
			kind: 'huge length prefix',
			data: s === 2 ? cat([1], varUint(len), rest) : cat([0, s + 1], varUint(len), rest)
		})),
	fc.tuple(fc.constantFrom(1, 2), bytes(200)).map(([s, u]) => ({
		kind: 'sync step 2 / update with garbage',
		data: cat([0, s], varUint(u.length), u)
	})),
	// A real update's bytes with some flipped: decodes far enough to reach the struct reader.
	fc.tuple(fc.nat(), fc.nat(255)).map(([at, b]) => {
		const d = new Y.Doc();
		d.getMap('items').set('evil', new Y.Text('<script>alert(1)</script>'));
		const u = Y.encodeStateAsUpdate(d);
		u[at % u.length] ^= b || 1;
		return { kind: 'corrupted real update', data: cat([0, 2], varUint(u.length), u) };
	}),
	bytes(120).map((a) => ({ kind: 'awareness garbage', data: cat([1], varUint(a.length), a) })),
	fc
		.tuple(
			fc.integer({ min: 0, max: 2 ** 32 }),
			fc.nat(),
			fc.constantFrom(...HTML_PAYLOADS, '{', 'null', '[]', '"x"')
		)
		.map(([clientID, clock, json]) => {
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint(e, clientID);
			encoding.writeVarUint(e, clock);
			encoding.writeVarString(e, json);
			return {
				kind: 'awareness with odd state',
				data: cat([1], varUint(encoding.length(e)), encoding.toUint8Array(e))
			};
		}),
	fc.string({ maxLength: 40 }).map((s) => ({ kind: 'text frame', data: s })),
	fc.constant(null).map(() => ({ kind: 'oversize frame', data: new Uint8Array(1024 * 1024 + 10) }))
);

/** Opens a raw socket, waits for the server's first message, sends `data`, and reports the close code or `null` (ignored). */
function sendRaw(cookie: string, data: Uint8Array | string): Promise<number | null> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/${encodeURIComponent(docName)}`, {
			headers: { cookie }
		});
		let quiet: NodeJS.Timeout | undefined;
		let sent = false;
		ws.on('message', () => {
			if (sent) return;
			sent = true;
			ws.send(data);
			// Ignored messages get no answer: give the server a moment to close if it is going to.
			// The server answers our close frame only after the message before it was handled (and
			// stored), so waiting for the handshake keeps a slow server's late write out of the next run.
			quiet = setTimeout(() => {
				ws.removeAllListeners('close');
				ws.once('close', () => resolve(null));
				ws.close();
			}, 150);
		});
		ws.on('close', (code) => {
			clearTimeout(quiet);
			resolve(code);
		});
		ws.on('error', reject);
	});
}

const ALLOWED_CLOSES = new Set<number>(Object.values(YjsCloseCode));

describe('the Yjs endpoint under malformed messages', () => {
	// Regression (seed 20260708, run 80): an editor's well-formed update that puts a Y.Text, not an
	// item map, under `items` made every reader of the agenda throw (m.get is not a function): the
	// phone page and the minutes answered 500 and poll:open on that item INTERNAL.
	it('an agenda entry of the wrong shape breaks no page, poll or export', async () => {
		const facilitator = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
		const meetingId = createMeeting(db, facilitator, {
			title: '形状不对的议程',
			scopeType: 'building',
			scopeId: 1,
			startsAt: new Date(),
			place: '楼下',
			votingUnit: 'household',
			isPublic: true
		});
		const doc = new Y.Doc();
		const provider = providerFor(server.url, `meeting:${meetingId}:agenda`, cookies.editor, doc);
		await synced(provider);
		addItem(doc, { title: '正常的议题' });
		doc.transact(() => {
			const items = doc.getMap('items');
			items.set('evil', new Y.Text('<script>alert(1)</script>'));
			items.set('number', 42);
			const odd = new Y.Map<unknown>();
			odd.set('title', 7);
			odd.set('minutes', 'lots');
			odd.set('order', 'first');
			odd.set('proposalId', '<img src=x onerror=alert(1)>');
			items.set('odd', odd);
		});
		const rows = () =>
			(
				db.$client
					.prepare('select count(*) as n from yjs_update where doc_name = ?')
					.get(`meeting:${meetingId}:agenda`) as {
					n: number;
				}
			).n;
		for (let i = 0; i < 100 && rows() < 2; i++) await new Promise((r) => setTimeout(r, 50));
		provider.destroy();
		const s = connectSocket(server.url, {
			path: '/socket.io',
			transports: ['websocket'],
			extraHeaders: { cookie: cookies.editor },
			reconnection: false,
			forceNew: true
		});
		await ok(s, 'meeting:join', { meetingId, as: 'console' });
		await ok(s, 'meeting:open', { meetingId });
		for (const agendaItemId of ['evil', 'number', 'odd']) {
			const res: Ack<unknown> = await s.timeout(5_000).emitWithAck('poll:open', {
				meetingId,
				agendaItemId,
				question: '?',
				type: 'yesNoAbstain',
				rules: RULES,
				durationSeconds: null
			});
			expect(res.ok || res.error.code !== 'INTERNAL', agendaItemId).toBe(true);
			if (res.ok) await ok(s, 'poll:close', { pollId: (res.data as { pollId: number }).pollId });
		}
		s.close();
		for (const path of [
			`/m/${meetingId}`,
			`/m/${meetingId}/console`,
			`/meetings/${meetingId}/minutes`,
			`/meetings/${meetingId}/minutes/minutes.md`
		]) {
			const res = await fetch(server.url + path, { headers: { cookie: cookies.editor } });
			expect(res.status, path).toBeLessThan(500);
			expect(await res.text()).not.toContain('<script>alert(1)</script>');
		}
		expect(await healthy(server.url)).toBe(true);
	});

	it('a rules draft of odd shapes breaks no rules page or version', async () => {
		const token = generateSessionToken();
		createSession(db, token, db.select().from(user).where(eq(user.username, 'committee')).get()!.id);
		const cookie = `yizhan_session=${token}`;
		const doc = new Y.Doc();
		const provider = providerFor(server.url, 'rules:1', cookie, doc);
		await synced(provider);
		doc.transact(() => {
			const f = doc.getXmlFragment(RULES_FRAGMENT);
			const clause = (id: unknown, ...kids: Array<Y.XmlElement | Y.XmlText>) => {
				const el = new Y.XmlElement(NODE.clause);
				if (id !== undefined) el.setAttribute('id', id as string);
				el.insert(0, kids);
				return el;
			};
			const para = (t: string) => {
				const el = new Y.XmlElement(NODE.paragraph);
				el.insert(0, [new Y.XmlText(t)]);
				return el;
			};
			f.insert(0, [
				new Y.XmlText('<script>alert(1)</script>'),
				clause(undefined, para('无编号的条款')),
				clause(42 as unknown, para('编号是数字')),
				clause({ x: 1 } as unknown, para('编号是对象')),
				clause('"><img src=x onerror=alert(1)>', para('<script>alert(1)</script>')),
				clause('dup', para('重复一')),
				clause('dup', para('重复二')),
				new Y.XmlElement('script'),
				clause('empty')
			]);
		});
		for (
			let i = 0;
			i < 100 && !db.$client.prepare(`select 1 from yjs_update where doc_name = 'rules:1'`).get();
			i++
		)
			await new Promise((r) => setTimeout(r, 50));
		provider.destroy();
		for (const path of ['/rules', '/rules/versions', '/rules/comments', '/rules/adopt', '/rules/published']) {
			const res = await fetch(server.url + path, { headers: { cookie } });
			expect(res.status, path).toBeLessThan(500);
			expect(await res.text(), path).not.toContain('<script>alert(1)</script>');
		}
		const saved = await postForm(`${server.url}/rules/versions?/save`, { name: '第一稿' }, cookie);
		expect(saved.status).toBeLessThan(500);
		const versions = await fetch(`${server.url}/rules/versions`, { headers: { cookie } });
		expect(versions.status).toBeLessThan(500);
		expect(await versions.text()).not.toContain('<script>alert(1)</script>');
		expect(await healthy(server.url)).toBe(true);
		expect(server.output()).not.toMatch(/TypeError|RangeError|listener failed/);
	});

	// Regression (FUZZ_SEED=1, run 56): a real update with one byte flipped decoded its structs, which
	// were applied and stored, then failed on the truncated delete set and closed with 4400: a refused
	// message had changed the document.
	it('stores nothing of an update it refuses', async () => {
		const before = storedAgenda();
		const flipped = Uint8Array.from([
			0, 2, 57, 1, 2, 141, 234, 189, 225, 3, 0, 39, 1, 5, 105, 116, 101, 109, 115, 4, 101, 118, 105, 108, 2,
			4, 0, 141, 234, 189, 84, 3, 0, 25, 60, 115, 99, 114, 105, 112, 116, 62, 97, 108, 101, 114, 116, 40, 49,
			41, 60, 47, 115, 99, 114, 105, 112, 116, 62, 0
		]);
		expect(await sendRaw(cookies.editor, flipped)).toBe(YjsCloseCode.malformedMessage);
		expect(storedAgenda()).toEqual(before);
	});

	it(
		'closes with its own code or ignores the message, and the stored agenda stays the same',
		async () => {
			const figures = new Map<string, { sent: number; closed: Record<number, number>; ignored: number }>();
			let n = 0;
			let edits = 0;
			/**
			 * An editor's update that decodes but waits on structs nobody sent stays pending in the
			 * server's doc, as Yjs intends for out-of-order delivery, and reaches the snapshot at the next
			 * compaction (when the last connection closes): from then on the stored state vector may move
			 * without new input, so only the agenda itself is compared (seen with FUZZ_SEED=2 and 4).
			 */
			let pendingPossible = false;
			await fc.assert(
				fc.asyncProperty(messages, fc.constantFrom('editor', 'reader'), async ({ kind, data }, role) => {
					const before = storedAgenda();
					const code = await sendRaw(cookies[role as 'editor' | 'reader'], data);
					const f = figures.get(kind) ?? { sent: 0, closed: {}, ignored: 0 };
					f.sent++;
					if (code === null) f.ignored++;
					else f.closed[code] = (f.closed[code] ?? 0) + 1;
					figures.set(kind, f);
					if (code !== null) expect(ALLOWED_CLOSES.has(code), `${kind} as ${role}: close ${code}`).toBe(true);
					const after = storedAgenda();
					if (role === 'editor' && code === null && isCleanUpdate(data)) {
						// A decodable update from an editor is an edit: stored, and readable by every reader.
						edits++;
						pendingPossible = true;
						original = after.text;
						return;
					}
					expect(after.text, `${kind} as ${role}`).toBe(original);
					if (role === 'editor' && code === null) pendingPossible = true;
					if (!pendingPossible && (role === 'reader' || code !== null)) expect(after.rows).toBe(before.rows);
					if (++n % 25 === 0) expect(await healthy(server.url)).toBe(true);
				}),
				fuzzParams(120)
			);
			expect(await healthy(server.url)).toBe(true);
			console.log('[fuzz] yjs', { editsAccepted: edits, ...Object.fromEntries(figures) });
		},
		fuzzTimeout(120, 400)
	);

	it('still serves the agenda as it was to a real editor afterwards', async () => {
		const doc = new Y.Doc();
		const provider = providerFor(server.url, docName, cookies.editor, doc);
		await synced(provider);
		expect(JSON.stringify(listItems(doc))).toBe(original);
		provider.destroy();
		expect(server.output()).not.toMatch(/uncaught|unhandled/i);
	});
});
