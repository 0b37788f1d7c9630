/**
 * Hostile input on every Socket.IO event: malformed, oversize, wrongly typed,
 * extra-key, missing-ack and out-of-order payloads from a resident, a facilitator and an anonymous
 * projector, against the built server. Each answer must be the ack envelope with a known code (or ok
 * where the payload happens to be valid), a refused request must leave the database as it was, and the
 * server must stay up. Seeded: FUZZ_SEED / FUZZ_RUNS (tests/helpers/fuzz.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import type { Ack } from '$lib/realtime/protocol';
import { startServer, type TestServer } from '../helpers/server';
import { ok, socketPool } from '../helpers/sockets';
import { residentsOf } from '../helpers/residents';
import { login } from '../helpers/http';
import {
	announceSeed,
	changedTables,
	dbDigest,
	declaredClientEvents,
	fuzzParams,
	fuzzTimeout,
	healthy,
	hostileString,
	hostileValue,
	KNOWN_CODES,
	registeredSocketEvents
} from '../helpers/fuzz';

let server: TestServer;
let db: Db;
const pool = socketPool(() => server.url);
const ids = { draft: 0, fresh: 0, live: 0, poll: 0, resident: 0, code: '' };
const cookies = { resident: '', facilitator: '' };

const RULES = {
	votingUnit: 'household',
	whoMayVote: 'present',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};

/**
 * A valid-looking payload per event. The fuzzer mutates these (one field replaced, removed, or a key
 * added) as well as sending anything at all, so both the schema and the rules behind it get tried.
 */
const templates: Record<string, () => Record<string, unknown>> = {
	'meeting:join': () => ({ meetingId: ids.live, as: 'phone' }),
	'meeting:leave': () => ({ meetingId: ids.live }),
	'meeting:open': () => ({ meetingId: ids.draft }),
	'meeting:close': () => ({ meetingId: ids.draft }),
	'item:setCurrent': () => ({ meetingId: ids.live, itemId: 'item-x' }),
	'timer:start': () => ({ meetingId: ids.draft }),
	'timer:pause': () => ({ meetingId: ids.draft }),
	'attendance:checkIn': () => ({ meetingId: ids.draft, code: ids.code }),
	'attendance:showCode': () => ({ meetingId: ids.live, code: ids.code }),
	'attendance:mark': () => ({ meetingId: ids.draft, residentId: ids.resident, present: true }),
	'hand:raise': () => ({ meetingId: ids.live }),
	'hand:lower': () => ({ meetingId: ids.live }),
	'floor:give': () => ({ meetingId: ids.live, requestId: 1 }),
	'poll:open': () => ({
		meetingId: ids.draft,
		agendaItemId: null,
		question: '是否同意？',
		type: 'yesNoAbstain',
		rules: { ...RULES, quorum: { ...RULES.quorum } },
		durationSeconds: null
	}),
	'poll:close': () => ({ pollId: 999_999 }),
	'poll:withdraw': () => ({ pollId: 999_999 }),
	'speech:setLimit': () => ({ meetingId: ids.draft, seconds: 180 }),
	'ballot:cast': () => ({
		pollId: ids.poll,
		ballotId: crypto.randomUUID(),
		receipt: 'abcdefghjk',
		choices: ['yes']
	}),
	'ballot:assist': () => ({
		pollId: ids.poll,
		residentId: ids.resident,
		choices: ['yes'],
		consentNote: '本人口头同意',
		ballotId: crypto.randomUUID(),
		receipt: 'abcdefghjm'
	}),
	'ballot:hand': () => ({
		pollId: ids.poll,
		residentId: ids.resident,
		choices: ['yes'],
		ballotId: crypto.randomUUID(),
		receipt: 'abcdefghjn'
	}),
	'hands:set': () => ({ pollId: ids.poll, counts: { yes: 1, no: 0, abstain: 0 } }),
	'proxy:designate': () => ({ meetingId: ids.draft, proxyResidentId: ids.resident }),
	'proxy:revoke': () => ({ meetingId: ids.draft })
};
const EVENTS = Object.keys(templates).sort();

beforeAll(async () => {
	announceSeed('socket');
	server = await startServer();
	db = openDatabase(server.dbPath);
	cookies.facilitator = await login(server.url, 'facilitator');
	const { cookieFor } = residentsOf(() => db);
	const facilitatorActor = loadActor(
		db,
		db.select().from(user).where(eq(user.username, 'facilitator')).get()!
	);
	const meeting = (title: string) =>
		createMeeting(db, facilitatorActor, {
			title,
			scopeType: 'building',
			scopeId: 1,
			startsAt: new Date(),
			place: '楼下',
			votingUnit: 'household',
			isPublic: true
		});
	ids.draft = meeting('草稿会');
	ids.live = meeting('进行中的会');
	ids.fresh = meeting('无人动过的会');
	ids.code = getMeeting(db, ids.live).joinCode;
	const residentRow = db.$client.prepare('select id from resident order by id limit 1').get() as {
		id: number;
	};
	ids.resident = residentRow.id;
	cookies.resident = cookieFor(residentRow.id);
	const console_ = await pool.connected(cookies.facilitator);
	await ok(console_, 'meeting:join', { meetingId: ids.live, as: 'console' });
	await ok(console_, 'meeting:open', { meetingId: ids.live });
	ids.poll = (
		await ok<{ pollId: number }>(console_, 'poll:open', { ...templates['poll:open'](), meetingId: ids.live })
	).pollId;
	console_.close();
	// A checked-in phone, so ballots get past the door and reach the rules behind it.
	const phone = await pool.connected(cookies.resident);
	await ok(phone, 'meeting:join', { meetingId: ids.live, as: 'phone' });
	await ok(phone, 'attendance:checkIn', { meetingId: ids.live, code: ids.code });
	phone.close();
});
afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
});

type Outcome = { kind: 'ack'; res: Ack<unknown> } | { kind: 'disconnected' } | { kind: 'timeout' };

/** One request; a server that drops the connection (an oversize packet) is an answer too. */
function ask(s: Socket, event: string, payload: unknown, ms = 5_000): Promise<Outcome> {
	return new Promise((resolve) => {
		if (!s.connected) return resolve({ kind: 'disconnected' });
		const onDisconnect = () => done({ kind: 'disconnected' });
		const timer = setTimeout(() => done({ kind: 'timeout' }), ms);
		const done = (o: Outcome) => {
			clearTimeout(timer);
			s.off('disconnect', onDisconnect);
			resolve(o);
		};
		s.on('disconnect', onDisconnect);
		s.emit(event, payload, (res: Ack<unknown>) => done({ kind: 'ack', res }));
	});
}

type Role = 'resident' | 'facilitator' | 'projector';
const sockets = new Map<Role, Socket>();

async function socketAs(role: Role): Promise<Socket> {
	const existing = sockets.get(role);
	if (existing?.connected) return existing;
	existing?.close();
	let s: Socket;
	if (role === 'projector') {
		s = connectSocket(server.url, {
			path: '/socket.io',
			transports: ['websocket'],
			auth: { projectorMeetingId: ids.live, code: ids.code },
			reconnection: false,
			forceNew: true
		});
		await new Promise<void>((resolve, reject) => {
			s.once('connect', () => resolve());
			s.once('connect_error', (e) => reject(e));
		});
	} else s = await pool.connected(cookies[role]);
	sockets.set(role, s);
	return s;
}

const mutated = (event: string): fc.Arbitrary<unknown> =>
	fc.oneof(
		{ weight: 2, arbitrary: hostileValue },
		{
			weight: 5,
			arbitrary: fc
				.tuple(
					fc.constantFrom('replace', 'remove', 'extra', 'idSwap', 'none'),
					fc.nat(20),
					hostileValue,
					fc.constantFrom(0, -1, 1.5, 999_999, 2 ** 53, '1')
				)
				.map(([op, k, value, id]) => {
					const p = templates[event]();
					const keys = Object.keys(p);
					const key = keys[k % keys.length];
					if (op === 'replace') p[key] = value;
					else if (op === 'remove') delete p[key];
					else if (op === 'extra') p[`x${k}`] = value;
					else if (op === 'idSwap')
						for (const key of keys) if (/Id$/.test(key)) p[key] = typeof p[key] === 'number' ? id : p[key];
					return p;
				})
		},
		{
			weight: 1,
			arbitrary: fc.constant(null).map(() => ({ ...templates[event](), pad: 'x'.repeat(70_000) }))
		},
		{ weight: 1, arbitrary: hostileString.map((s) => ({ ...templates[event](), choices: [s, s] })) }
	);

const stats = { sent: 0, refused: 0, accepted: 0, dropped: 0, noAck: 0, codes: new Map<string, number>() };

describe('socket events under hostile input', () => {
	it('fuzzes exactly the events the server registers and the protocol declares', () => {
		expect(EVENTS).toEqual(registeredSocketEvents());
		expect(EVENTS).toEqual(declaredClientEvents());
	});

	it('refuses an anonymous connection without a meeting and code', async () => {
		const s = connectSocket(server.url, {
			path: '/socket.io',
			transports: ['websocket'],
			auth: { projectorMeetingId: ids.live, code: '<script>' },
			reconnection: false,
			forceNew: true
		});
		const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
		s.close();
		expect(err.message).toBe('UNAUTHENTICATED');
	});

	it(
		'answers every payload with a coded envelope and changes nothing when it refuses',
		async () => {
			const arb = fc.constantFrom(...EVENTS).chain((event) =>
				fc.record({
					event: fc.constant(event),
					role: fc.constantFrom<Role>('resident', 'facilitator', 'projector'),
					payload: mutated(event),
					withAck: fc.nat(9).map((n) => n > 0)
				})
			);
			await fc.assert(
				fc.asyncProperty(arb, async ({ event, role, payload, withAck }) => {
					const s = await socketAs(role);
					stats.sent++;
					const before = dbDigest(server.dbPath);
					if (!withAck) {
						stats.noAck++;
						s.emit(event, payload);
						// Ordered per socket: once this is answered the one before was handled.
						const after = await ask(s, 'meeting:leave', { meetingId: ids.live });
						expect(after.kind === 'ack' || after.kind === 'disconnected').toBe(true);
						return;
					}
					let out = await ask(s, event, payload);
					while (out.kind === 'ack' && !out.res.ok && out.res.error.code === 'RATE_LIMITED') {
						await new Promise((r) => setTimeout(r, 100));
						out = await ask(s, event, payload);
					}
					if (out.kind === 'timeout')
						throw new Error(`no answer to ${event} as ${role}: ${JSON.stringify(payload)?.slice(0, 300)}`);
					if (out.kind === 'disconnected') {
						stats.dropped++;
						expect(JSON.stringify(payload).length).toBeGreaterThan(60_000);
					} else if (out.res.ok) {
						stats.accepted++;
						return;
					} else {
						stats.refused++;
						const code = out.res.error.code;
						stats.codes.set(code, (stats.codes.get(code) ?? 0) + 1);
						expect(KNOWN_CODES.has(code), `${event} as ${role} answered ${code}`).toBe(true);
						expect(typeof out.res.error.message).toBe('string');
					}
					expect(changedTables(before, dbDigest(server.dbPath)), `${event} as ${role}`).toEqual([]);
				}),
				fuzzParams(400)
			);
			expect(await healthy(server.url)).toBe(true);
			expect(server.output()).not.toMatch(/socket handler failed|uncaught|unhandled/i);
			console.log('[fuzz] socket', { ...stats, codes: Object.fromEntries(stats.codes) });
		},
		fuzzTimeout(400, 150)
	);

	it('refuses out-of-order requests: ballot before join, close before open, hands on a closed poll', async () => {
		const resident = await socketAs('resident');
		const facilitator = await socketAs('facilitator');
		const code = async (s: Socket, event: string, payload: unknown) => {
			const out = await ask(s, event, payload);
			return out.kind === 'ack' && !out.res.ok ? out.res.error.code : out.kind === 'ack' ? 'OK' : out.kind;
		};
		// The household's one ballot, unless the fuzzing above already cast it (that depends on the seed):
		// so the ballot below, from a socket that never joined, is a second one whatever came before.
		await code(resident, 'ballot:cast', templates['ballot:cast']());
		const before = dbDigest(server.dbPath);
		expect(await code(resident, 'ballot:cast', templates['ballot:cast']())).not.toBe('OK');
		const fresh = { meetingId: ids.fresh };
		expect(await code(facilitator, 'meeting:close', fresh)).toBe('MEETING_STATE');
		expect(await code(facilitator, 'timer:start', fresh)).not.toBe('OK');
		expect(await code(resident, 'hand:raise', fresh)).not.toBe('OK');
		expect(await code(facilitator, 'poll:open', { ...templates['poll:open'](), ...fresh })).not.toBe('OK');
		expect(await code(facilitator, 'hands:set', { pollId: 999_999, counts: { yes: 1 } })).not.toBe('OK');
		expect(changedTables(before, dbDigest(server.dbPath))).toEqual([]);
		expect(await healthy(server.url)).toBe(true);
	});
});
