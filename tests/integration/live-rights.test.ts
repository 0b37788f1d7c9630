/**
 * Rights end everywhere at once: when a role is removed, an account deleted, invitation cards reissued
 * or a session runs out, the user's open Socket.IO sockets and Yjs connections lose what they lost
 * within a second, without the client sending anything, including what they receive. Real clients
 * against the built server; each act goes through the app's own forms, as an admin does it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { openDatabase, type Db } from '$lib/server/db';
import {
	auditEntry,
	household,
	invitation,
	resident,
	roleAssignment,
	session,
	user
} from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting } from '$lib/server/domain/meetings';
import { createSession, generateSessionToken, hashToken, SESSION_LIFETIME } from '$lib/server/session';
import type { Me } from '$lib/realtime/meeting';
import { demoInvitationPaths, startServer, type TestServer } from '../helpers/server';
import { join, login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { ok, socketPool, stateWhere } from '../helpers/sockets';
import {
	probeUpdate,
	providerFor,
	rawYjs,
	roundTrip,
	storedDoc,
	synced,
	until,
	updateMessage,
	within
} from '../helpers/yjs';

let server: TestServer;
let db: Db;
let admin: string;
let facilitator: string;
const pool = socketPool(() => server.url);
const { userFor } = residentsOf(() => db);
const providers: WebsocketProvider[] = [];
/** How long after the act's request was sent (or the expiry) each connection was closed, for the report. */
const latencies: Record<string, number> = {};

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	admin = await login(server.url, 'admin');
	facilitator = await login(server.url, 'facilitator');
});
afterEach(() => {
	pool.closeAll();
	while (providers.length) providers.pop()!.destroy();
});
afterAll(async () => {
	console.log('live rights, ms from the act to the close:', JSON.stringify(latencies));
	db?.$client.close();
	await server?.cleanup();
});

const RULES = '/yjs/rules%3A1';
const userId = (username: string) => db.select().from(user).where(eq(user.username, username)).get()!.id;
const hasProbe = (docName: string, key: string) => storedDoc(db, docName).getMap('probe').has(key);

function provider(docName: string, cookie: string, doc = new Y.Doc()) {
	const p = providerFor(server.url, docName, cookie, doc);
	providers.push(p);
	return p;
}

/** The code the server closed a provider's connection with, and when. */
function closing(p: WebsocketProvider): Promise<{ code: number; at: number }> {
	return new Promise((resolve) =>
		p.on('connection-close', (e: CloseEvent | null) => e && resolve({ code: e.code, at: Date.now() }))
	);
}

/** A live building-1 meeting opened by the facilitator's console. */
async function liveMeeting() {
	const meetingId = createMeeting(
		db,
		loadActor(
			db,
			db
				.select()
				.from(user)
				.where(eq(user.id, userId('facilitator')))
				.get()!
		),
		{
			title: '1栋加装电梯议事会',
			scopeType: 'building',
			scopeId: 1,
			startsAt: new Date(),
			place: '1栋楼下',
			votingUnit: 'household',
			isPublic: false
		}
	);
	const console_ = await pool.connected(facilitator);
	await ok(console_, 'meeting:join', { meetingId, as: 'console' });
	await ok(console_, 'meeting:open', { meetingId });
	return { meetingId, console: console_ };
}

/** Resolves with the time an event arrived on a socket. */
const arrival = (s: Socket, event: string) =>
	new Promise<number>((resolve) => s.once(event, () => resolve(Date.now())));

describe('rights end everywhere at once', () => {
	it('refuses the next write of a committee member whose role is removed mid-edit, and stores none of it', async () => {
		const committee = await login(server.url, 'committee');
		const assignment = db
			.select()
			.from(roleAssignment)
			.where(eq(roleAssignment.userId, userId('committee')))
			.get()!;
		const w = rawYjs(server.url, RULES, committee);
		await w.opened;
		w.ws.send(updateMessage(probeUpdate('before removal')));
		await roundTrip(w.ws);
		expect(hasProbe('rules:1', 'before removal')).toBe(true);

		const acted = Date.now();
		const res = await postForm(
			`${server.url}/admin/staff?/removeRole`,
			{ form: 'x', roleAssignmentId: String(assignment.id) },
			admin
		);
		expect(res.status).toBeLessThan(400);
		expect(
			db.select().from(roleAssignment).where(eq(roleAssignment.id, assignment.id)).get()
		).toBeUndefined();
		try {
			// The editor keeps typing as if nothing happened.
			if (w.ws.readyState === WebSocket.OPEN) w.ws.send(updateMessage(probeUpdate('after removal')));
			await roundTrip(w.ws);
			expect(hasProbe('rules:1', 'after removal')).toBe(false);
			expect(await within(w.closed, 5_000, 'the editor’s connection closed')).toBe(4403);
			latencies.roleRemovedYjs = (await w.closedAt) - acted;
			// Still a member of the community, so reading the rules again works, writing does not.
			const again = rawYjs(server.url, RULES, committee);
			await again.opened;
			again.ws.send(updateMessage(probeUpdate('after reconnect')));
			await roundTrip(again.ws);
			again.ws.close();
			expect(hasProbe('rules:1', 'after reconnect')).toBe(false);
		} finally {
			db.insert(roleAssignment).values(assignment).run();
		}
	});

	it('takes a building head whose role is removed out of the meeting room: meeting:left, no more meeting:state', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const head = await login(server.url, 'building1');
		const s = await pool.connected(head);
		const joined = await ok<{ me: Me }>(s, 'meeting:join', { meetingId, as: 'console' });
		expect(joined.me.canManage).toBe(true);
		const assignment = db
			.select()
			.from(roleAssignment)
			.where(eq(roleAssignment.userId, userId('building1')))
			.get()!;
		const left = new Promise<{ meetingId: number; code: string }>((resolve) =>
			s.once('meeting:left', resolve)
		);
		let statesAfter = 0;
		try {
			const acted = Date.now();
			await postForm(
				`${server.url}/admin/staff?/removeRole`,
				{ form: 'x', roleAssignmentId: String(assignment.id) },
				admin
			);
			expect(await within(left, 5_000, 'meeting:left')).toEqual({ meetingId, code: 'FORBIDDEN' });
			latencies.roleRemovedSocket = Date.now() - acted;
			s.on('meeting:state', () => statesAfter++);
			const seen = stateWhere(console_, (st) => st.meeting.currentItemId === 'after');
			await ok(console_, 'item:setCurrent', { meetingId, itemId: 'after' });
			await seen;
			await ok(console_, 'item:setCurrent', { meetingId, itemId: null }); // a round trip more
			expect(statesAfter).toBe(0);
			expect(s.connected).toBe(true); // still logged in: only the meeting is gone
		} finally {
			db.insert(roleAssignment).values(assignment).run();
		}
	});

	it('stops a phone whose card is reissued from receiving the rules text and meeting:state, without it sending anything', async () => {
		const { meetingId, console: console_ } = await liveMeeting();
		const [cardPath] = demoInvitationPaths(server.output());
		const phoneCookie = (await join(server.url, cardPath)).cookie!;
		const token = cardPath.split('/').pop()!;
		const card = db
			.select()
			.from(invitation)
			.where(eq(invitation.tokenHash, hashToken(token)))
			.get()!;
		expect(card.kind).toBe('card');

		const phone = await pool.connected(phoneCookie);
		await ok(phone, 'meeting:join', { meetingId, as: 'phone' });
		const phoneDoc = new Y.Doc();
		const phoneRules = provider('rules:1', phoneCookie, phoneDoc);
		await synced(phoneRules);
		const committeeDoc = new Y.Doc();
		const committee = provider('rules:1', await login(server.url, 'committee'), committeeDoc);
		await synced(committee);
		committeeDoc.getMap('probe').set('before reissue', 1);
		await until(phoneDoc, () => phoneDoc.getMap('probe').has('before reissue'));

		const ended = arrival(phone, 'session:ended');
		const disconnected = arrival(phone, 'disconnect');
		const yjsClosed = closing(phoneRules);
		const acted = Date.now();
		const res = await postForm(`${server.url}/admin/invitations?/cards`, { buildingId: '1' }, admin);
		expect(res.status).toBeLessThan(400);
		expect(db.select().from(invitation).where(eq(invitation.id, card.id)).get()!.revokedAt).not.toBeNull();

		// Others carry on: the committee writes, the console moves the meeting on.
		let statesAfter = 0;
		phone.on('meeting:state', () => statesAfter++);
		const reader = new Y.Doc();
		await synced(provider('rules:1', facilitator, reader));
		committeeDoc.getMap('probe').set('after reissue', 1);
		await until(reader, () => reader.getMap('probe').has('after reissue'));
		const seen = stateWhere(console_, (st) => st.meeting.currentItemId === 'after-reissue');
		await ok(console_, 'item:setCurrent', { meetingId, itemId: 'after-reissue' });
		await seen;
		expect(phoneDoc.getMap('probe').has('after reissue')).toBe(false);
		expect(statesAfter).toBe(0);

		latencies.cardReissuedSocket = (await within(ended, 5_000, 'session:ended')) - acted;
		await within(disconnected, 5_000, 'the phone’s socket disconnected');
		const closed = await within(yjsClosed, 5_000, 'the phone’s Yjs connection closed');
		expect(closed.code).toBe(4401);
		latencies.cardReissuedYjs = closed.at - acted;
	});

	it('ends the live connections of a session when it expires, and keeps those of a session renewed in time', async () => {
		const { meetingId } = await liveMeeting();
		const [, , third] = db
			.select({ id: resident.id })
			.from(resident)
			.innerJoin(household, eq(resident.householdId, household.id))
			.where(eq(household.buildingId, 1))
			.orderBy(resident.id)
			.all();
		const residentUser = userFor(third.id);
		const open = async (expiresInMs: number) => {
			const token = generateSessionToken();
			const row = createSession(db, token, residentUser, Date.now() - SESSION_LIFETIME + expiresInMs);
			const cookie = `yizhan_session=${token}`;
			const s = await pool.connected(cookie);
			await ok(s, 'meeting:join', { meetingId, as: 'phone' });
			const rules = provider('rules:1', cookie);
			await synced(rules);
			return { cookie, s, rules, expiresAt: row.expiresAt.getTime() };
		};
		const expiring = await open(2_500);
		const renewed = await open(2_500);
		// An HTTP request slides the renewed one's expiry (as a phone's page load does).
		expect((await fetch(`${server.url}/points`, { headers: { cookie: renewed.cookie } })).status).toBe(200);
		const renewedRow = db.select().from(session).where(eq(session.userId, residentUser)).all();
		expect(renewedRow.some((r) => r.expiresAt.getTime() > Date.now() + SESSION_LIFETIME / 2)).toBe(true);

		const ended = arrival(expiring.s, 'session:ended');
		const yjsClosed = closing(expiring.rules);
		const endedAt = await within(ended, 10_000, 'session:ended after expiry');
		const closed = await within(yjsClosed, 5_000, 'the Yjs connection closed after expiry');
		expect(closed.code).toBe(4401);
		latencies.sessionExpiredSocket = endedAt - expiring.expiresAt;
		latencies.sessionExpiredYjs = closed.at - expiring.expiresAt;

		// Past the renewed session's first expiry: its connections are still there.
		await new Promise((r) => setTimeout(r, Math.max(0, renewed.expiresAt + 1_500 - Date.now())));
		expect(renewed.s.connected).toBe(true);
		expect(renewed.rules.wsconnected).toBe(true);
	});

	it('ends every live connection of an account the admin deletes, which can then no longer log in', async () => {
		const username = `leaving-${Date.now()}`;
		await postForm(
			`${server.url}/admin/staff?/createStaff`,
			{ form: 'staff-new', username, displayName: '离任委员', password: 'long-enough-password' },
			admin
		);
		const id = userId(username);
		await postForm(
			`${server.url}/admin/staff?/assignRole`,
			{ form: 'role-new', userId: String(id), role: 'committee', scope: 'community:1' },
			admin
		);
		const cookie = await login(server.url, username, 'long-enough-password');
		const s = await pool.connected(cookie);
		const w = rawYjs(server.url, RULES, cookie);
		await w.opened;
		w.ws.send(updateMessage(probeUpdate('by the leaving member')));
		await roundTrip(w.ws);
		expect(hasProbe('rules:1', 'by the leaving member')).toBe(true);

		const ended = arrival(s, 'session:ended');
		const acted = Date.now();
		const res = await postForm(
			`${server.url}/admin/staff?/deleteAccount`,
			{ form: `account-${id}`, userId: String(id) },
			admin
		);
		expect(res.status).toBeLessThan(400);
		if (w.ws.readyState === WebSocket.OPEN) w.ws.send(updateMessage(probeUpdate('after deletion')));
		await roundTrip(w.ws);
		expect(hasProbe('rules:1', 'after deletion')).toBe(false);
		expect(await within(w.closed, 5_000, 'the Yjs connection closed')).toBe(4401);
		latencies.accountDeletedYjs = (await w.closedAt) - acted;
		latencies.accountDeletedSocket = (await within(ended, 5_000, 'session:ended')) - acted;

		expect(db.select().from(user).where(eq(user.id, id)).get()!.disabledAt).not.toBeNull();
		expect(db.select().from(roleAssignment).where(eq(roleAssignment.userId, id)).all()).toEqual([]);
		await expect(login(server.url, username, 'long-enough-password')).rejects.toThrow();
		const entry = db
			.select()
			.from(auditEntry)
			.where(and(eq(auditEntry.action, 'account.delete'), eq(auditEntry.subjectId, id)))
			.get();
		expect(entry?.actorUserId).toBe(userId('admin'));
	});
});
