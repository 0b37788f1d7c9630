/**
 * Every poll reaches every screen of its meeting live, however it was opened: a village-rules vote
 * put from the /rules/adopt form (not the console's socket) appears on a phone and on the anonymous
 * projector without a reload, carries what it adopts, and its withdrawal reaches them the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { openDatabase, type Db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { checkIn } from '$lib/server/domain/attendance';
import { createMeeting, getMeeting, openMeeting } from '$lib/server/domain/meetings';
import { rulesDocName } from '$lib/rules/schema';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { writeDraft } from '../helpers/rules-draft';
import { ok, socketPool, stateWhere } from '../helpers/sockets';
import { providerFor, synced } from '../helpers/yjs';

let server: TestServer;
let db: Db;
const pool = socketPool(() => server.url);
const extra: Socket[] = [];
const { cookieFor, actorOf } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	// The committee writes a draft of three clauses.
	const provider = providerFor(server.url, rulesDocName(1), await login(server.url, 'committee'));
	await synced(provider);
	writeDraft(provider.doc, '富春小区居民公约', ['爱护公共设施。', '垃圾分类投放。', '不乱停车。']);
	await new Promise((r) => setTimeout(r, 300));
	provider.destroy();
});
afterAll(async () => {
	pool.closeAll();
	for (const s of extra) s.close();
	db?.$client.close();
	await server?.cleanup();
});

/** A live public meeting of 1栋 with the first resident checked in on a phone. */
function liveMeeting() {
	const f = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
	const meetingId = createMeeting(db, f, {
		title: '1栋讨论居民公约',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});
	openMeeting(db, f, meetingId);
	const code = getMeeting(db, meetingId).joinCode;
	checkIn(db, actorOf(1), meetingId, code);
	return { meetingId, code };
}

async function projector(meetingId: number, code: string): Promise<Socket> {
	const s = connectSocket(server.url, {
		path: '/socket.io',
		transports: ['websocket'],
		auth: { projectorMeetingId: meetingId, code },
		reconnection: false,
		forceNew: true
	});
	extra.push(s);
	await new Promise<void>((resolve, reject) => {
		s.once('connect', () => resolve());
		s.once('connect_error', reject);
	});
	await ok(s, 'meeting:join', { meetingId, as: 'projector' });
	return s;
}

describe('a poll opened outside the console', () => {
	it('reaches the phone and the projector live, names the clauses, and its withdrawal does too', async () => {
		const { meetingId, code } = liveMeeting();
		const phone = await pool.connected(cookieFor(1));
		await ok(phone, 'meeting:join', { meetingId, as: 'phone' });
		const screen = await projector(meetingId, code);
		const opened = (st: { polls: Array<{ status: string }> }) => st.polls.some((p) => p.status === 'open');
		const onPhone = stateWhere(phone, opened);
		const onScreen = stateWhere(screen, opened);

		const chair = await login(server.url, 'facilitator');
		const res = await postForm(
			`${server.url}/rules/adopt?/vote`,
			{ meetingId: String(meetingId), scope: 'some', clauseIds: 'c2' },
			chair
		);
		expect(res.status).toBe(303);

		const [phoneState, screenState] = await Promise.all([onPhone, onScreen]);
		const poll = phoneState.polls[0];
		expect(poll.question).toContain('第二条');
		expect(screenState.polls[0].id).toBe(poll.id);
		expect(poll.rulesVote).toEqual({ wholeDraft: false });

		// The clause text is one tap away on the phone: the poll's page shows it.
		const page = await fetch(`${server.url}/m/${meetingId}/poll/${poll.id}`, {
			headers: { cookie: cookieFor(1) }
		});
		expect(await page.text()).toContain('垃圾分类投放。');

		// Withdrawn by mistake before any ballot: every screen learns it at once.
		const gone = (st: { polls: Array<{ id: number; result: { outcome: string } | null }> }) =>
			st.polls.some((p) => p.id === poll.id && p.result?.outcome === 'withdrawn');
		const phoneGone = stateWhere(phone, gone);
		const screenGone = stateWhere(screen, gone);
		const console_ = await pool.connected(chair);
		await ok(console_, 'poll:withdraw', { pollId: poll.id });
		await Promise.all([phoneGone, screenGone]);
	});
});
