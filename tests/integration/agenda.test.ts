/**
 * The co-edited agenda over the real server: editors converge, residents cannot write, the projector
 * reads a public meeting's agenda without a login, and nothing is lost across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { addItem, itemText, listItems } from '$lib/agenda';
import { openDatabase, type Db } from '$lib/server/db';
import { household, resident, user, yjsSnapshot, yjsUpdate } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { issueInvitation } from '$lib/server/domain/accounts';
import { demoInvitationPaths, startServer, type TestServer } from '../helpers/server';
import { join, login } from '../helpers/http';
import { providerFor, synced, until, yjsCloseCode } from '../helpers/yjs';

let server: TestServer;
let db: Db;
let facilitator: string;
let committee: string;
let residentCookie: string;

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	facilitator = await login(server.url, 'facilitator');
	committee = await login(server.url, 'committee');
	residentCookie = (await join(server.url, demoInvitationPaths(server.output())[0])).cookie!;
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

function newMeeting(isPublic = true): string {
	return agendaOf(newMeetingId(isPublic));
}

const agendaOf = (id: number) => `meeting:${id}:agenda`;
const codeOf = (docName: string) => getMeeting(db, Number(docName.split(':')[1])).joinCode;

function newMeetingId(isPublic: boolean): number {
	const row = db.select().from(user).where(eq(user.username, 'facilitator')).get()!;
	return createMeeting(db, loadActor(db, row), {
		title: '1栋月度议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '1栋楼下',
		votingUnit: 'household',
		isPublic
	});
}

const enc = encodeURIComponent;

describe('the agenda document', () => {
	it('lets a facilitator and a committee member co-edit and converge', async () => {
		const name = newMeeting();
		const a = providerFor(server.url, name, facilitator);
		const b = providerFor(server.url, name, committee);
		await Promise.all([synced(a), synced(b)]);
		const first = addItem(a.doc, { title: '加装电梯', minutes: 20 });
		await until(b.doc, () => listItems(b.doc).length === 1);
		addItem(b.doc, { title: '楼道堆物', minutes: 10 });
		itemText(b.doc, first, 'notes')!.insert(0, '三家同意');
		itemText(a.doc, first, 'notes')!.insert(0, '六楼：');
		await until(a.doc, () => listItems(a.doc).length === 2 && listItems(a.doc)[0].notes.length === 7);
		await until(b.doc, () => listItems(b.doc)[0].notes.length === 7);
		expect(listItems(a.doc)).toEqual(listItems(b.doc));
		expect(listItems(a.doc).map((i) => i.title)).toEqual(['加装电梯', '楼道堆物']);
		a.destroy();
		b.destroy();
	});

	it('drops a resident’s write and leaves the stored agenda unchanged', async () => {
		const name = newMeeting();
		const f = providerFor(server.url, name, facilitator);
		await synced(f);
		addItem(f.doc, { title: '停车' });
		const r = providerFor(server.url, name, residentCookie);
		await synced(r);
		await until(r.doc, () => listItems(r.doc).length === 1);
		const storedBefore = db.select().from(yjsUpdate).where(eq(yjsUpdate.docName, name)).all().length;
		addItem(r.doc, { title: '居民偷偷加的' });
		// A facilitator edit after the resident's proves the server has processed (and dropped) it.
		addItem(f.doc, { title: '卫生' });
		await until(r.doc, () => listItems(r.doc).some((i) => i.title === '卫生'));
		expect(listItems(f.doc).map((i) => i.title)).toEqual(['停车', '卫生']);
		expect(db.select().from(yjsUpdate).where(eq(yjsUpdate.docName, name)).all().length).toBe(
			storedBefore + 1
		);
		f.destroy();
		r.destroy();
	});

	it('serves a public meeting’s agenda to the projector with its join code and no login, read-only', async () => {
		const name = newMeeting(true);
		expect(await yjsCloseCode(server.url, '/yjs/' + enc(name))).toBe(4401);
		expect(await yjsCloseCode(server.url, '/yjs/' + enc(name) + '?code=aaaaaaaa')).toBe(4401);
		const f = providerFor(server.url, name, facilitator);
		await synced(f);
		addItem(f.doc, { title: '加装电梯' });
		const stored = () => db.select().from(yjsUpdate).where(eq(yjsUpdate.docName, name)).all().length;
		const projector = providerFor(server.url, name, undefined, undefined, { code: codeOf(name) });
		await synced(projector);
		await until(projector.doc, () => listItems(projector.doc).length === 1);
		addItem(projector.doc, { title: '投影乱写' });
		addItem(f.doc, { title: '卫生' });
		await until(projector.doc, () => listItems(projector.doc).some((i) => i.title === '卫生'));
		expect(listItems(f.doc)).toHaveLength(2);
		const storedNow = stored();
		f.destroy();
		projector.destroy();
		// Two facilitator items stored (plus compaction may fold them), the projector's never.
		expect(storedNow).toBeLessThanOrEqual(2);
		const hidden = newMeeting(false);
		expect(await yjsCloseCode(server.url, '/yjs/' + enc(hidden) + '?code=' + codeOf(hidden))).toBe(4401);
	});

	it('refuses residents of other buildings and staff outside the scope', async () => {
		const name = newMeeting(false);
		const other = db
			.select({ id: resident.id })
			.from(resident)
			.innerJoin(household, eq(resident.householdId, household.id))
			.where(eq(household.buildingId, 2))
			.get()!;
		const { token } = issueInvitation(db, { residentId: other.id, kind: 'card', createdByUserId: null });
		const outsider = (await join(server.url, `/join/${token}`)).cookie!;
		expect(await yjsCloseCode(server.url, '/yjs/' + enc(name), outsider)).toBe(4403);
		expect(await yjsCloseCode(server.url, '/yjs/' + enc(name), await login(server.url, 'liaison'))).toBe(
			4403
		);
	});

	it('merges edits a facilitator made while offline with edits made meanwhile by others', async () => {
		const name = newMeeting();
		const offline = providerFor(server.url, name, facilitator);
		const online = providerFor(server.url, name, committee);
		await Promise.all([synced(offline), synced(online)]);
		const id = addItem(offline.doc, { title: '加装电梯' });
		await until(online.doc, () => listItems(online.doc).length === 1);
		offline.disconnect();
		itemText(offline.doc, id, 'notes')!.insert(0, '离线时写的');
		addItem(online.doc, { title: '在线时加的' });
		offline.connect();
		await until(online.doc, () => listItems(online.doc)[0].notes === '离线时写的');
		await until(offline.doc, () => listItems(offline.doc).length === 2);
		expect(listItems(offline.doc)).toEqual(listItems(online.doc));
		offline.destroy();
		online.destroy();
	});

	it('keeps every edit across a server restart', async () => {
		const name = newMeeting();
		const f = providerFor(server.url, name, facilitator);
		await synced(f);
		for (let i = 0; i < 30; i++) addItem(f.doc, { title: `议题${i}` });
		itemText(f.doc, listItems(f.doc)[0].id, 'notes')!.insert(0, '会前准备');
		// Wait until the server has stored everything: the stored doc matches the client's.
		const stored = () => {
			const d = new Y.Doc();
			const snap = db.select().from(yjsSnapshot).where(eq(yjsSnapshot.docName, name)).get();
			if (snap) Y.applyUpdate(d, snap.state);
			for (const u of db.select().from(yjsUpdate).where(eq(yjsUpdate.docName, name)).all())
				Y.applyUpdate(d, u.update);
			return listItems(d);
		};
		await expect.poll(() => stored().length, { timeout: 5000 }).toBe(30);
		f.destroy();
		server = await server.restart();
		const again = providerFor(server.url, name, await login(server.url, 'committee'));
		await synced(again);
		const items = listItems(again.doc);
		expect(items).toHaveLength(30);
		expect(items[0]).toMatchObject({ title: '议题0', notes: '会前准备' });
		again.destroy();
	});
});
