/**
 * The live meeting over real sockets: the built server on port 0, a facilitator's console, residents'
 * phones (demo invitation cards) and an anonymous projector, all in one building-1 meeting that the
 * test creates through the domain on the server's own SQLite file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { household, resident, roleAssignment, user, yjsUpdate } from '$lib/server/db/schema';
import { addItem, listItems } from '$lib/agenda';
import { providerFor, synced } from '../helpers/yjs';
import { loadActor } from '$lib/server/authz';
import { issueInvitation } from '$lib/server/domain/accounts';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { eligibleParticipants } from '$lib/server/domain/eligibility';
import type { Ack } from '$lib/realtime/protocol';
import type { Me, MeetingState } from '$lib/realtime/meeting';
import { demoInvitationPaths, startServer, type TestServer } from '../helpers/server';
import { join, login } from '../helpers/http';

let server: TestServer;
let db: Db;
let facilitator: string;
let residentA: string;
let residentB: string;
let outsider: string;
const sockets: Socket[] = [];

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	facilitator = await login(server.url, 'facilitator');
	const [pathA, pathB] = demoInvitationPaths(server.output());
	residentA = (await join(server.url, pathA)).cookie!;
	residentB = (await join(server.url, pathB)).cookie!;
	// A resident of building 2, outside the building-1 meetings below.
	const other = db
		.select({ id: resident.id })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.where(eq(household.buildingId, 2))
		.get()!;
	const { token } = issueInvitation(db, { residentId: other.id, kind: 'card', createdByUserId: null });
	outsider = (await join(server.url, `/join/${token}`)).cookie!;
	expect([residentA, residentB, outsider].every(Boolean)).toBe(true);
});
afterEach(() => {
	while (sockets.length) sockets.pop()!.close();
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

function newMeeting(isPublic = true): number {
	const row = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
	return createMeeting(db, loadActor(db, row), {
		title: '1栋加装电梯议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '1栋楼下',
		votingUnit: 'household',
		isPublic
	});
}

const codeOf = (meetingId: number) => getMeeting(db, meetingId).joinCode;

function socketFor(opts: { cookie?: string; auth?: Record<string, unknown> }): Socket {
	const s = connectSocket(server.url, {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: opts.cookie ? { cookie: opts.cookie } : {},
		auth: opts.auth ?? {},
		reconnection: false,
		forceNew: true
	});
	sockets.push(s);
	return s;
}

function connectOutcome(socket: Socket): Promise<'connected' | string> {
	return new Promise((resolve) => {
		socket.once('connect', () => resolve('connected'));
		socket.once('connect_error', (err) => resolve(err.message));
	});
}

async function connected(opts: { cookie?: string; auth?: Record<string, unknown> }) {
	const s = socketFor(opts);
	expect(await connectOutcome(s)).toBe('connected');
	return s;
}

type Joined = { state: MeetingState; me: Me };

function request<T>(s: Socket, event: string, payload: unknown): Promise<Ack<T>> {
	return s.emitWithAck(event, payload);
}

async function ok<T>(s: Socket, event: string, payload: unknown): Promise<T> {
	const res = await request<T>(s, event, payload);
	if (!res.ok) throw new Error(`${event} failed: ${res.error.code}`);
	return res.data;
}

async function joined(s: Socket, meetingId: number, as: 'phone' | 'console' | 'projector') {
	return ok<Joined>(s, 'meeting:join', { meetingId, as });
}

/** The first `meeting:state` broadcast that satisfies `test`; register before acting. */
function stateWhere(s: Socket, test: (st: MeetingState) => boolean): Promise<MeetingState> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			s.off('meeting:state', on);
			reject(new Error('no matching meeting:state'));
		}, 5_000);
		const on = (st: MeetingState) => {
			if (!test(st)) return;
			clearTimeout(timer);
			s.off('meeting:state', on);
			resolve(st);
		};
		s.on('meeting:state', on);
	});
}

/** A facilitator's console joined to a new, open (live) meeting. */
async function liveMeeting(isPublic = true) {
	const meetingId = newMeeting(isPublic);
	const console_ = await connected({ cookie: facilitator });
	const { me } = await joined(console_, meetingId, 'console');
	expect(me.canManage).toBe(true);
	await ok(console_, 'meeting:open', { meetingId });
	return { meetingId, console: console_ };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live meeting over a real server', () => {
	it('a resident checks in and every joined screen (anonymous projector and console) sees present=1', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const projector = await connected({ auth: { projectorMeetingId: meetingId, code: codeOf(meetingId) } });
		const atStart = await joined(projector, meetingId, 'projector');
		expect(atStart.state.attendance.present).toBe(0);
		expect(atStart.me).toEqual({
			residentId: null,
			present: false,
			handRaised: false,
			canManage: false,
			votedPolls: [],
			proxyFor: []
		});

		const phone = await connected({ cookie: residentA });
		const mine = await joined(phone, meetingId, 'phone');
		expect(mine.me).toMatchObject({ present: false, handRaised: false, canManage: false });
		expect(mine.me.residentId).toBeGreaterThan(0);

		const seen = [projector, console_, phone].map((s) => stateWhere(s, (st) => st.attendance.present === 1));
		const { me } = await ok<{ me: Me }>(phone, 'attendance:checkIn', { meetingId, code: codeOf(meetingId) });
		expect(me.present).toBe(true);
		const states = await Promise.all(seen);
		for (const st of states) expect(st.attendance).toMatchObject({ present: 1, quorum: false });

		// The anonymous projector may watch, nothing else.
		expect(await request(projector, 'hand:raise', { meetingId })).toMatchObject({
			ok: false,
			error: { code: 'FORBIDDEN' }
		});
		expect(await request(projector, 'meeting:join', { meetingId, as: 'console' })).toMatchObject({
			ok: false,
			error: { code: 'FORBIDDEN' }
		});
		expect(await request(projector, 'timer:start', { meetingId })).toMatchObject({
			ok: false,
			error: { code: 'FORBIDDEN' }
		});
	});

	it('stops a building head at once when their role is taken away, without a reconnect', async () => {
		const head = await login(server.url, 'building1');
		const meetingId = newMeeting();
		const s = await connected({ cookie: head });
		expect((await joined(s, meetingId, 'console')).me.canManage).toBe(true);
		await ok(s, 'meeting:open', { meetingId });
		const headUser = db.select().from(user).where(eq(user.username, 'building1')).get()!;
		const removed = db.delete(roleAssignment).where(eq(roleAssignment.userId, headUser.id)).returning().all();
		try {
			expect(await request(s, 'item:setCurrent', { meetingId, itemId: 'a' })).toMatchObject({
				ok: false,
				error: { code: 'FORBIDDEN' }
			});
		} finally {
			db.insert(roleAssignment).values(removed).run();
		}
	});

	it('makes a closed meeting’s agenda read-only for editors who are still connected', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const name = `meeting:${meetingId}:agenda`;
		const editor = providerFor(server.url, name, facilitator);
		await synced(editor);
		addItem(editor.doc, { title: '会前加的' });
		const reauthorized = new Promise<number>((resolve) =>
			editor.on('connection-close', (e: CloseEvent | null) => e && resolve(e.code))
		);
		await ok(console_, 'meeting:close', { meetingId });
		expect(await reauthorized).toBe(4509);
		await synced(editor);
		const storedRows = () => db.select().from(yjsUpdate).where(eq(yjsUpdate.docName, name)).all().length;
		const before = storedRows();
		addItem(editor.doc, { title: '会后偷加的' });
		// A fresh reader proves the server's copy: the late item never arrives there.
		const reader = providerFor(server.url, name, facilitator);
		await synced(reader);
		expect(listItems(reader.doc).map((i) => i.title)).toEqual(['会前加的']);
		expect(storedRows()).toBe(before);
		editor.destroy();
		reader.destroy();
	});

	it('the facilitator marks a resident without a phone present and absent again', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const [, , third] = eligibleParticipants(
			db,
			{ communityId: 1, scopeType: 'building', scopeId: 1 },
			new Date()
		);
		const present = stateWhere(console_, (st) => st.attendance.present === 1);
		await ok(console_, 'attendance:mark', { meetingId, residentId: third.residentId, present: true });
		await present;
		const absent = stateWhere(console_, (st) => st.attendance.present === 0);
		await ok(console_, 'attendance:mark', { meetingId, residentId: third.residentId, present: false });
		await absent;
	});

	it('refuses a check-in without the code shown in the room, and counts nobody', async () => {
		const { meetingId } = await liveMeeting();
		const phone = await connected({ cookie: residentA });
		await joined(phone, meetingId, 'phone');
		expect(await request(phone, 'attendance:checkIn', { meetingId, code: 'aaaaaaaa' })).toMatchObject({
			ok: false,
			error: { code: 'WRONG_CODE' }
		});
		const { state, me } = await joined(phone, meetingId, 'phone');
		expect(state.attendance.present).toBe(0);
		expect(me.present).toBe(false);
		expect(JSON.stringify(state)).not.toContain(codeOf(meetingId));
	});

	it('a resident outside the scope cannot join, check in or raise a hand, and the state is unchanged', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const before = (await joined(console_, meetingId, 'console')).state;
		const phone = await connected({ cookie: outsider });
		for (const [event, payload] of [
			['meeting:join', { meetingId, as: 'phone' }],
			['attendance:checkIn', { meetingId, code: codeOf(meetingId) }],
			['hand:raise', { meetingId }]
		] as const) {
			const res = await request(phone, event, payload);
			expect(res.ok).toBe(false);
			if (!res.ok) expect(['NOT_ELIGIBLE', 'FORBIDDEN']).toContain(res.error.code);
		}
		const after = (await joined(console_, meetingId, 'console')).state;
		expect(after.attendance).toEqual(before.attendance);
		expect(after.speakers).toEqual([]);
	});

	it('tells a resident’s open phone when the facilitator marks them present', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const phone = await connected({ cookie: residentB });
		const { me: before } = await joined(phone, meetingId, 'phone');
		expect(before.present).toBe(false);
		const told = new Promise<{ meetingId: number; me: Me }>((resolve) => phone.once('meeting:me', resolve));
		await ok(console_, 'attendance:mark', { meetingId, residentId: before.residentId, present: true });
		expect(await told).toMatchObject({ meetingId, me: { residentId: before.residentId, present: true } });
	});

	it('the facilitator cannot mark a resident of another building present', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const other = db
			.select({ id: resident.id })
			.from(resident)
			.innerJoin(household, eq(resident.householdId, household.id))
			.where(eq(household.buildingId, 2))
			.get()!;
		const res = await request(console_, 'attendance:mark', {
			meetingId,
			residentId: other.id,
			present: true
		});
		expect(res).toMatchObject({ ok: false, error: { code: 'NOT_ELIGIBLE' } });
		expect((await joined(console_, meetingId, 'console')).state.attendance.present).toBe(0);
	});

	it('hands raised by two residents form a queue in order; raising twice keeps one place; giving the floor moves the queue', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const a = await connected({ cookie: residentA });
		const b = await connected({ cookie: residentB });
		const idA = (await joined(a, meetingId, 'phone')).me.residentId;
		const idB = (await joined(b, meetingId, 'phone')).me.residentId;

		expect((await ok<{ me: Me }>(a, 'hand:raise', { meetingId })).me.handRaised).toBe(true);
		await ok(b, 'hand:raise', { meetingId });
		expect((await ok<{ me: Me }>(a, 'hand:raise', { meetingId })).me.handRaised).toBe(true);

		const queue = (await joined(console_, meetingId, 'console')).state.speakers;
		expect(queue.map((s) => [s.residentId, s.status])).toEqual([
			[idA, 'waiting'],
			[idB, 'waiting']
		]);

		const first = stateWhere(b, (st) => st.speakers[0]?.status === 'speaking');
		await ok(console_, 'floor:give', { meetingId, requestId: queue[0].id });
		expect((await first).speakers.map((s) => [s.residentId, s.status])).toEqual([
			[idA, 'speaking'],
			[idB, 'waiting']
		]);

		const second = stateWhere(a, (st) => st.speakers.length === 1);
		await ok(console_, 'floor:give', { meetingId, requestId: queue[1].id });
		expect((await second).speakers.map((s) => [s.residentId, s.status])).toEqual([[idB, 'speaking']]);
		expect((await joined(a, meetingId, 'phone')).me.handRaised).toBe(false);

		// A request that is not waiting any more cannot get the floor again.
		expect(await request(console_, 'floor:give', { meetingId, requestId: queue[0].id })).toMatchObject({
			ok: false,
			error: { code: 'NOT_FOUND' }
		});
		const empty = stateWhere(console_, (st) => st.speakers.length === 0);
		await ok(console_, 'floor:give', { meetingId, requestId: null });
		await empty;
	});

	it('a resident lowers a waiting hand and leaves the queue', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const a = await connected({ cookie: residentA });
		await joined(a, meetingId, 'phone');
		const raised = stateWhere(console_, (st) => st.speakers.length === 1);
		await ok(a, 'hand:raise', { meetingId });
		await raised;
		const lowered = stateWhere(console_, (st) => st.speakers.length === 0);
		expect((await ok<{ me: Me }>(a, 'hand:lower', { meetingId })).me.handRaised).toBe(false);
		await lowered;
	});

	it('refuses a raised hand in a closed meeting with MEETING_STATE', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const phone = await connected({ cookie: residentA });
		await joined(phone, meetingId, 'phone');
		const closed = stateWhere(phone, (st) => st.meeting.status === 'closed');
		await ok(console_, 'meeting:close', { meetingId });
		await closed;
		expect(await request(phone, 'hand:raise', { meetingId })).toMatchObject({
			ok: false,
			error: { code: 'MEETING_STATE' }
		});
		expect(await request(console_, 'meeting:open', { meetingId })).toMatchObject({
			ok: false,
			error: { code: 'MEETING_STATE' }
		});
	});

	it('refuses management requests from a resident', async () => {
		const { meetingId } = await liveMeeting();
		const phone = await connected({ cookie: residentA });
		expect((await joined(phone, meetingId, 'phone')).me.canManage).toBe(false);
		for (const [event, payload] of [
			['meeting:close', { meetingId }],
			['item:setCurrent', { meetingId, itemId: 'x' }],
			['floor:give', { meetingId, requestId: null }]
		] as const)
			expect(await request(phone, event, payload)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
	});

	it('a phone that disconnects and reconnects gets its check-in and hand back in the join ack', async () => {
		const { meetingId } = await liveMeeting();
		const phone = await connected({ cookie: residentA });
		const residentId = (await joined(phone, meetingId, 'phone')).me.residentId;
		await ok(phone, 'attendance:checkIn', { meetingId, code: codeOf(meetingId) });
		await ok(phone, 'hand:raise', { meetingId });
		phone.close();

		const again = await connected({ cookie: residentA });
		const { state, me } = await joined(again, meetingId, 'phone');
		expect(me).toMatchObject({
			residentId,
			present: true,
			handRaised: true,
			canManage: false,
			votedPolls: []
		});
		expect(state.attendance.present).toBe(1);
		expect(state.speakers.map((s) => [s.residentId, s.status])).toEqual([[residentId, 'waiting']]);
		// The retried request after the reconnect changes nothing twice.
		await ok(again, 'hand:raise', { meetingId });
		await ok(again, 'attendance:checkIn', { meetingId, code: codeOf(meetingId) });
		const retried = (await joined(again, meetingId, 'phone')).state;
		expect(retried.speakers).toHaveLength(1);
		expect(retried.attendance.present).toBe(1);
	});

	it('answers malformed payloads with INVALID_INPUT and keeps the connection usable', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		for (const [event, payload] of [
			['meeting:join', { meetingId: 'x', as: 'phone' }],
			['meeting:join', { meetingId, as: 'phone', extra: 1 }],
			['meeting:join', { meetingId, as: 'tv' }],
			['meeting:join', 'hello'],
			['item:setCurrent', { meetingId, itemId: '' }],
			['item:setCurrent', { meetingId, itemId: 'x'.repeat(65) }],
			['attendance:mark', { meetingId, residentId: 0, present: true }],
			['attendance:mark', { meetingId, residentId: 1.5, present: true }],
			['floor:give', { meetingId }],
			['timer:start', { meetingId: -1 }]
		] as const)
			expect(await request(console_, event, payload)).toMatchObject({
				ok: false,
				error: { code: 'INVALID_INPUT' }
			});
		expect((await joined(console_, meetingId, 'console')).state.meeting.status).toBe('live');
	});

	it('refuses an anonymous projector socket for a non-public, missing or malformed meeting', async () => {
		const hidden = newMeeting(false);
		expect(
			await connectOutcome(socketFor({ auth: { projectorMeetingId: hidden, code: codeOf(hidden) } }))
		).toBe('UNAUTHENTICATED');
		// A public meeting without its code: nobody reads meetings by counting through ids.
		const open = newMeeting(true);
		expect(await connectOutcome(socketFor({ auth: { projectorMeetingId: open } }))).toBe('UNAUTHENTICATED');
		expect(await connectOutcome(socketFor({ auth: { projectorMeetingId: open, code: 'aaaaaaaa' } }))).toBe(
			'UNAUTHENTICATED'
		);
		expect(await connectOutcome(socketFor({ auth: { projectorMeetingId: 999_999 } }))).toBe(
			'UNAUTHENTICATED'
		);
		expect(await connectOutcome(socketFor({ auth: { projectorMeetingId: String(hidden) } }))).toBe(
			'UNAUTHENTICATED'
		);
		expect(await connectOutcome(socketFor({}))).toBe('UNAUTHENTICATED');
		// Logged-in members of the scope still see it.
		const console_ = await connected({ cookie: facilitator });
		expect((await joined(console_, hidden, 'projector')).state.meeting.isPublic).toBe(false);
	});

	it('the item timer starts, pauses, and its elapsed time grows only while running', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		expect(await request(console_, 'timer:start', { meetingId })).toMatchObject({
			ok: false,
			error: { code: 'NO_CURRENT_ITEM' }
		});
		const current = stateWhere(console_, (st) => st.meeting.currentItemId === 'item-1');
		await ok(console_, 'item:setCurrent', { meetingId, itemId: 'item-1' });
		expect((await current).timer).toMatchObject({ itemId: 'item-1', running: false, elapsedMs: 0 });

		const running = stateWhere(console_, (st) => st.timer.running);
		await ok(console_, 'timer:start', { meetingId });
		const t1 = (await running).timer;
		await pause(60);
		const t2 = (await joined(console_, meetingId, 'console')).state.timer;
		expect(t2.running).toBe(true);
		expect(t2.elapsedMs - t1.elapsedMs).toBe(t2.serverNow - t1.serverNow);
		expect(t2.elapsedMs).toBeGreaterThan(t1.elapsedMs);

		const paused = stateWhere(console_, (st) => !st.timer.running);
		await ok(console_, 'timer:pause', { meetingId });
		const p1 = (await paused).timer;
		expect(p1.elapsedMs).toBeGreaterThanOrEqual(t2.elapsedMs);
		await pause(60);
		const p2 = (await joined(console_, meetingId, 'console')).state.timer;
		expect(p2).toMatchObject({ running: false, elapsedMs: p1.elapsedMs });
		expect(p2.serverNow).toBeGreaterThan(p1.serverNow);

		const resumed = stateWhere(console_, (st) => st.timer.running);
		await ok(console_, 'timer:start', { meetingId });
		expect((await resumed).timer.elapsedMs).toBeGreaterThanOrEqual(p1.elapsedMs);

		const next = stateWhere(console_, (st) => st.meeting.currentItemId === 'item-2');
		await ok(console_, 'item:setCurrent', { meetingId, itemId: 'item-2' });
		expect((await next).timer).toMatchObject({ itemId: 'item-2', running: false, elapsedMs: 0 });
	});

	it('folds a burst of changes into fewer broadcasts, the last one carrying all of them', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const participants = eligibleParticipants(
			db,
			{ communityId: 1, scopeType: 'building', scopeId: 1 },
			new Date()
		).slice(0, 3);
		let received = 0;
		console_.on('meeting:state', () => received++);
		const all = stateWhere(console_, (st) => st.attendance.present === 3);
		await Promise.all(
			participants.map((p) =>
				ok(console_, 'attendance:mark', { meetingId, residentId: p.residentId, present: true })
			)
		);
		await all;
		expect(received).toBeLessThan(participants.length);
	});

	it('answers RATE_LIMITED to a socket that floods, and serves it again a moment later', async () => {
		const meetingId = newMeeting();
		const phone = await connected({ cookie: residentA });
		const answers = await Promise.all(
			Array.from({ length: 40 }, () => request(phone, 'meeting:join', { meetingId, as: 'phone' }))
		);
		const limited = answers.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
		expect(limited).toBeGreaterThan(10);
		expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(20);
		await pause(100);
		expect((await joined(phone, meetingId, 'phone')).state.meeting.id).toBe(meetingId);
	});
});
