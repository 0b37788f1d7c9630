/**
 * The rotating check-in code over a real server: the anonymous projector and the console get the
 * current code over their sockets, a phone checks in with it (typed or scanned), and neither the fixed
 * join code nor an old code checks anyone in. Wrong codes count against the account's limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { attendance, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting, getMeeting, openMeeting } from '$lib/server/domain/meetings';
import { CHECK_IN_WINDOW_MS, checkInCodeAt } from '$lib/server/domain/check-in-code';
import type { Ack } from '$lib/realtime/protocol';
import type { CheckInCodeView } from '$lib/realtime/meeting';
import { login } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { socketPool } from '../helpers/sockets';
import { startServer, type TestServer } from '../helpers/server';
import { io as connectSocket, type Socket } from 'socket.io-client';

let server: TestServer;
let db: Db;
let facilitator: string;
const pool = socketPool(() => server.url);
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	facilitator = await login(server.url, 'facilitator');
});
afterAll(async () => {
	pool.closeAll();
	for (const s of projectors) s.close();
	db?.$client.close();
	await server?.cleanup();
});

/** The courtyard's projector: no login, the join code instead (closed with the pool's sockets). */
function projectorSocket(meetingId: number, code: string): Promise<Socket> {
	const s = connectSocket(server.url, {
		path: '/socket.io',
		transports: ['websocket'],
		auth: { projectorMeetingId: meetingId, code },
		reconnection: false,
		forceNew: true
	});
	projectors.push(s);
	return new Promise((resolve, reject) => {
		s.once('connect', () => resolve(s));
		s.once('connect_error', (err) => reject(new Error(`connect failed: ${err.message}`)));
	});
}
const projectors: Socket[] = [];

/** A live, public 村民会议 of 1栋's scope: rotating by default. */
function liveAssembly(): number {
	const f = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	const id = createMeeting(db, f, {
		title: '村民会议',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '村委会',
		votingUnit: 'household',
		isPublic: true,
		body: 'villagerAssembly'
	});
	openMeeting(db, f, id);
	return id;
}

const present = (meetingId: number, residentId?: number) =>
	db
		.select({ n: count() })
		.from(attendance)
		.where(
			and(
				eq(attendance.meetingId, meetingId),
				residentId ? eq(attendance.residentId, residentId) : undefined,
				eq(attendance.present, true)
			)
		)
		.get()!.n;

/** Waits out the end of a window if it is too close, so a code read now is still current when used. */
async function awayFromChange() {
	const left = CHECK_IN_WINDOW_MS - (Date.now() % CHECK_IN_WINDOW_MS);
	if (left < 5000) await new Promise((r) => setTimeout(r, left + 200));
}

describe('rotating check-in code', () => {
	it('gives the projector the current code over its socket, and a phone checks in with it', async () => {
		const id = liveAssembly();
		const m = getMeeting(db, id);
		await awayFromChange();
		const projector = await projectorSocket(id, m.joinCode);
		const shown = (await projector.emitWithAck('attendance:showCode', {
			meetingId: id,
			code: m.joinCode
		})) as Ack<CheckInCodeView>;
		if (!shown.ok) throw new Error(shown.error.code);
		expect(shown.data.rotating).toBe(true);
		expect(shown.data.code).toMatch(/^\d{6}$/);
		expect(shown.data.code).toBe(checkInCodeAt(m, Date.now()).code);
		expect(shown.data.path).toBe(`/j/${id}-${shown.data.code}`);
		expect(shown.data.changesAt! - shown.data.serverNow).toBeLessThanOrEqual(CHECK_IN_WINDOW_MS);

		// The console sees the same code; a resident is refused it, and the refusal changes nothing.
		const console_ = await pool.connected(facilitator);
		const onConsole = (await console_.emitWithAck('attendance:showCode', {
			meetingId: id
		})) as Ack<CheckInCodeView>;
		expect(onConsole.ok && onConsole.data.code).toBe(shown.data.code);
		const phone = await pool.connected(cookieFor(1));
		const peek = (await phone.emitWithAck('attendance:showCode', { meetingId: id })) as Ack<CheckInCodeView>;
		expect(peek.ok).toBe(false);
		expect(!peek.ok && peek.error.code).toBe('FORBIDDEN');

		// The fixed join code (on an old photo or a printed poster) no longer checks in.
		const fixed = (await phone.emitWithAck('attendance:checkIn', {
			meetingId: id,
			code: m.joinCode
		})) as Ack<unknown>;
		expect(!fixed.ok && fixed.error.code).toBe('WRONG_CODE');
		expect(present(id)).toBe(0);
		const typed = (await phone.emitWithAck('attendance:checkIn', {
			meetingId: id,
			code: `${shown.data.code.slice(0, 3)} ${shown.data.code.slice(3)}`
		})) as Ack<unknown>;
		expect(typed.ok).toBe(true);
		expect(present(id, 1)).toBe(1);
	});

	it('checks in by scanning the rotating QR link, and refuses an old one in Chinese and English', async () => {
		const id = liveAssembly();
		const m = getMeeting(db, id);
		await awayFromChange();
		const old = checkInCodeAt(m, Date.now() - 3 * CHECK_IN_WINDOW_MS).code;
		const stale = await fetch(`${server.url}/j/${id}-${old}`, {
			redirect: 'manual',
			headers: { cookie: cookieFor(2) }
		});
		expect(stale.status).toBe(200);
		expect(await stale.text()).toContain('这个签到二维码已经过期');
		const staleEn = await fetch(`${server.url}/j/${id}-${old}`, {
			headers: { cookie: `${cookieFor(2)}; PARAGLIDE_LOCALE=en` }
		});
		expect(await staleEn.text()).toContain('This check-in QR code has expired');
		// The meeting's fixed link only opens the meeting.
		const fixed = await fetch(`${server.url}/j/${m.joinCode}`, {
			redirect: 'manual',
			headers: { cookie: cookieFor(2) }
		});
		expect(fixed.headers.get('location')).toBe(`/m/${id}`);
		expect(present(id)).toBe(0);

		const now = checkInCodeAt(m, Date.now()).code;
		const scanned = await fetch(`${server.url}/j/${id}-${now}`, {
			redirect: 'manual',
			headers: { cookie: cookieFor(2) }
		});
		expect(scanned.status).toBe(303);
		expect(scanned.headers.get('location')).toBe(`/m/${id}`);
		expect(present(id, 2)).toBe(1);
	});

	it('refuses the right code after ten wrong ones from one account, storing nothing', async () => {
		const id = liveAssembly();
		const m = getMeeting(db, id);
		const phone = await pool.connected(cookieFor(3));
		const codes: string[] = [];
		for (let i = 0; i < 10; i++) {
			const a = (await phone.emitWithAck('attendance:checkIn', {
				meetingId: id,
				code: '000000'
			})) as Ack<unknown>;
			codes.push(a.ok ? 'OK' : a.error.code);
		}
		expect(codes.every((c) => c === 'WRONG_CODE' || c === 'RATE_LIMITED')).toBe(true);
		await awayFromChange();
		const right = (await phone.emitWithAck('attendance:checkIn', {
			meetingId: id,
			code: checkInCodeAt(m, Date.now()).code
		})) as Ack<unknown>;
		expect(!right.ok && right.error.code).toBe('RATE_LIMITED');
		expect(present(id, 3)).toBe(0);
	});

	it('shows the code and its QR link on the projector page, never the fixed join code', async () => {
		const id = liveAssembly();
		const m = getMeeting(db, id);
		await awayFromChange();
		const html = await (await fetch(`${server.url}/m/${id}/screen?code=${m.joinCode}`)).text();
		const code = checkInCodeAt(m, Date.now()).code;
		expect(html).toContain(`${code.slice(0, 3)} ${code.slice(3)}`);
		expect(html).toContain('<svg');
		// The page's own data carries the join code for its socket, but nothing on screen shows it.
		const visible = html.replace(/<script[\s\S]*?<\/script>/g, '');
		expect(visible).not.toContain(`/j/${m.joinCode}`);
	});

	it('never sends the meeting’s check-in secret to any page, phone or projector', async () => {
		const id = liveAssembly();
		const m = getMeeting(db, id);
		expect(m.checkInSecret).toMatch(/^[0-9a-f]{40}$/);
		const pages: Array<[string, string | undefined]> = [
			[`/m/${id}`, cookieFor(1)],
			['/', cookieFor(1)],
			['/meetings', cookieFor(1)],
			[`/m/${id}/screen?code=${m.joinCode}`, undefined],
			[`/m/${id}/console`, facilitator],
			[`/meetings/${id}`, facilitator],
			['/meetings', facilitator],
			['/rules/adopt', facilitator]
		];
		for (const [path, cookie] of pages) {
			const res = await fetch(server.url + path, { headers: cookie ? { cookie } : {} });
			expect(res.status, path).toBeLessThan(400);
			expect(await res.text(), path).not.toContain(m.checkInSecret);
		}
		const phone = await pool.connected(cookieFor(1));
		const joined = (await phone.emitWithAck('meeting:join', { meetingId: id, as: 'phone' })) as Ack<unknown>;
		expect(joined.ok).toBe(true);
		expect(JSON.stringify(joined)).not.toContain(m.checkInSecret);
	});
});
