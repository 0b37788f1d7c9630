/**
 * The foundation end to end over real sockets: the production server on port 0, real HTTP,
 * socket.io-client and a Yjs provider, all authorised by the same session cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectSocket, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { providerFor as yjsProvider, synced, yjsCloseCode } from '../helpers/yjs';
import { demoInvitationPaths, startServer, type TestServer } from '../helpers/server';
import { join, login, postForm, sessionCookie } from '../helpers/http';

let server: TestServer;

beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server?.cleanup();
});

function socketFor(cookie?: string): Socket {
	return connectSocket(server.url, {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: cookie ? { cookie } : {},
		reconnection: false,
		forceNew: true
	});
}

function connectOutcome(socket: Socket): Promise<'connected' | string> {
	return new Promise((resolve) => {
		socket.once('connect', () => resolve('connected'));
		socket.once('connect_error', (err) => resolve(err.message));
	});
}

const yjsClose = (path: string, cookie?: string) => yjsCloseCode(server.url, path, cookie);
const providerFor = (docName: string, cookie: string, doc?: Y.Doc) =>
	yjsProvider(server.url, docName, cookie, doc);

describe('foundation over a real server', () => {
	it('answers /healthz with the database status', async () => {
		const res = await fetch(`${server.url}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ ok: true, database: 'ok', communities: 1 });
	});

	it('sets an HttpOnly SameSite=Lax session cookie on login', async () => {
		const res = await postForm(`${server.url}/login`, { username: 'admin', password: 'yizhan-demo' });
		expect(res.status).toBe(303);
		const header = res.headers.getSetCookie().find((c) => c.startsWith('yizhan_session='))!;
		expect(header).toMatch(/HttpOnly/i);
		expect(header).toMatch(/SameSite=Lax/i);
	});

	it('refuses a wrong password with one generic message and no cookie', async () => {
		const res = await postForm(
			`${server.url}/login`,
			{ username: 'admin', password: 'wrong-password' },
			undefined
		);
		expect(sessionCookie(res)).toBeUndefined();
		const body = await res.text();
		expect(body).toContain('LOGIN_FAILED');
		const unknown = await postForm(`${server.url}/login`, { username: 'nobody', password: 'wrong-password' });
		expect(await unknown.text()).toContain('LOGIN_FAILED');
	});

	it('makes a client wait after repeated failed logins, even with the right password', async () => {
		for (let i = 0; i < 5; i++)
			await postForm(`${server.url}/login`, { username: 'committee', password: 'nope-nope' });
		const res = await postForm(`${server.url}/login`, { username: 'committee', password: 'yizhan-demo' });
		expect(sessionCookie(res)).toBeUndefined();
		expect(await res.text()).toContain('RATE_LIMITED');
	});

	it('opens a Socket.IO connection with the session cookie and refuses one without', async () => {
		const cookie = await login(server.url, 'facilitator');
		const ok = socketFor(cookie);
		expect(await connectOutcome(ok)).toBe('connected');
		// Authenticated and served: a meeting that does not exist is a coded answer, not a refusal.
		const ack = await ok.emitWithAck('meeting:join', { meetingId: 999_999, as: 'phone' });
		expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
		ok.close();

		const anonymous = socketFor();
		expect(await connectOutcome(anonymous)).toBe('UNAUTHENTICATED');
		anonymous.close();
	});

	it('serves Socket.IO over long-polling too, without SvelteKit answering the same request', async () => {
		const polling = connectSocket(server.url, {
			path: '/socket.io',
			transports: ['polling'],
			extraHeaders: { cookie: await login(server.url, 'facilitator') },
			reconnection: false,
			forceNew: true
		});
		expect(await connectOutcome(polling)).toBe('connected');
		expect(await polling.emitWithAck('meeting:join', { meetingId: 999_999, as: 'phone' })).toMatchObject({
			ok: false,
			error: { code: 'NOT_FOUND' }
		});
		polling.close();
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});

	it('answers a malformed socket payload with a coded error and keeps the connection', async () => {
		const s = socketFor(await login(server.url, 'facilitator'));
		await connectOutcome(s);
		const bad = await s.emitWithAck('meeting:join', { meetingId: 'x', as: 'phone', extra: 1 });
		expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
		const good = await s.emitWithAck('meeting:join', { meetingId: 999_999, as: 'phone' });
		expect(good).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
		s.close();
	});

	it('refuses a revoked session, and logging out disconnects its sockets', async () => {
		const cookie = await login(server.url, 'officer');
		const s = socketFor(cookie);
		expect(await connectOutcome(s)).toBe('connected');
		const disconnected = new Promise((resolve) => s.once('disconnect', resolve));
		const out = await postForm(`${server.url}/logout`, {}, cookie);
		expect(out.status).toBe(303);
		await disconnected;
		const again = socketFor(cookie);
		expect(await connectOutcome(again)).toBe('UNAUTHENTICATED');
		again.close();
		expect(await yjsClose('/yjs/building%3A1%3Anotes', cookie)).toBe(4401);
	});

	it('switches the language and never redirects to another site', async () => {
		for (const back of ['//evil.example', '/\\evil.example', 'https://evil.example/x']) {
			const res = await postForm(`${server.url}/lang?/switch`, { locale: 'en', back });
			expect(res.status).toBe(303);
			expect(res.headers.get('location')).toBe('/');
		}
		const res = await postForm(`${server.url}/lang?/switch`, { locale: 'en', back: '/login?x=1' });
		expect(res.headers.get('location')).toBe('/login?x=1');
		expect(res.headers.getSetCookie().join()).toContain('PARAGLIDE_LOCALE=en');
	});

	it('logs a resident in through an invitation link, once', async () => {
		const [path] = demoInvitationPaths(server.output());
		expect(path).toBeTruthy();
		const { res, cookie } = await join(server.url, path);
		expect(res.status).toBe(303);
		expect(cookie).toBeTruthy();
		const home = await fetch(server.url + '/', { headers: { cookie: cookie! } });
		expect(await home.text()).toContain('1栋');

		const forged = await join(server.url, '/join/' + 'a'.repeat(40));
		expect(forged.cookie).toBeUndefined();
		expect(await forged.res.text()).toContain('INVITATION_INVALID');
	});

	it('lets a resident read their building document and refuses another building with 4403', async () => {
		const [path] = demoInvitationPaths(server.output());
		const { cookie } = await join(server.url, path); // demo cards are reusable until revoked
		expect(cookie).toBeTruthy();
		const provider = providerFor('building:1:notes', cookie!);
		await synced(provider);
		provider.destroy();
		expect(await yjsClose('/yjs/building%3A2%3Anotes', cookie)).toBe(4403);
		expect(await yjsClose('/yjs/building%3A1%3Anotes')).toBe(4401);
		expect(await yjsClose('/yjs/no-such-doc', cookie)).toBe(4404);
	});

	it('drops a resident’s write to a building document while staff writes are shared', async () => {
		const [path] = demoInvitationPaths(server.output());
		const resident = (await join(server.url, path)).cookie!;
		const head = await login(server.url, 'building1');

		const staffDoc = new Y.Doc();
		const staff = providerFor('building:1:notes', head, staffDoc);
		const residentDoc = new Y.Doc();
		const reader = providerFor('building:1:notes', resident, residentDoc);
		await Promise.all([synced(staff), synced(reader)]);

		const arrived = new Promise<void>((resolve) =>
			residentDoc.on(
				'update',
				() => residentDoc.getText('notes').toString().includes('停水通知') && resolve()
			)
		);
		staffDoc.getText('notes').insert(0, '停水通知');
		await arrived;

		residentDoc.getText('notes').insert(0, '居民乱写');
		// A staff round trip after the resident's write proves the server processed it (and dropped it).
		const echo = new Promise<void>((resolve) =>
			residentDoc.on('update', () => residentDoc.getText('notes').toString().includes('明天') && resolve())
		);
		staffDoc.getText('notes').insert(staffDoc.getText('notes').length, '明天');
		await echo;
		expect(staffDoc.getText('notes').toString()).toBe('停水通知明天');
		staff.destroy();
		reader.destroy();
	});
});
