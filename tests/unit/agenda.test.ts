import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addItem, itemText, listItems, moveItem, removeItem, setMinutes } from '$lib/agenda';
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { proposal } from '$lib/server/db/schema';
import { addProposalToAgenda, listedOnAgenda } from '$lib/server/domain/agenda';
import { closeMeeting, createMeeting, openMeeting } from '$lib/server/domain/meetings';
import { fileProposal } from '$lib/server/domain/proposals';
import { createYjsServer } from '$lib/server/yjs';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

/** A public, household-unit meeting for 1栋, created by the demo facilitator. */
const building1Meeting = (db: Db) =>
	createMeeting(db, staff(db, 'facilitator'), {
		title: '1栋议事会',
		scopeType: 'building',
		scopeId: 1,
		startsAt: new Date(),
		place: '楼下',
		votingUnit: 'household',
		isPublic: true
	});

/** Two replicas that exchange updates only when `sync()` is called, like two offline tablets. */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	const sync = () => {
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
	};
	return { a, b, sync };
}

const titles = (doc: Y.Doc) => listItems(doc).map((i) => i.title);

describe('agenda document', () => {
	it('keeps items in order through add, move and remove', () => {
		const doc = new Y.Doc();
		const ids = ['停车', '卫生', '安全'].map((title) => addItem(doc, { title }));
		moveItem(doc, ids[2], 0);
		expect(titles(doc)).toEqual(['安全', '停车', '卫生']);
		moveItem(doc, ids[2], 2);
		expect(titles(doc)).toEqual(['停车', '卫生', '安全']);
		moveItem(doc, ids[0], 1);
		expect(titles(doc)).toEqual(['卫生', '停车', '安全']);
		removeItem(doc, ids[1]);
		expect(titles(doc)).toEqual(['停车', '安全']);
	});

	it('keeps both people’s notes when one moves an item while the other types in it', () => {
		const { a, b, sync } = pair();
		const ids = ['停车', '卫生', '安全'].map((title) => addItem(a, { title }));
		sync();
		moveItem(a, ids[0], 2);
		itemText(b, ids[0], 'notes')!.insert(0, '东门车位不够');
		sync();
		expect(titles(a)).toEqual(['卫生', '安全', '停车']);
		expect(titles(b)).toEqual(titles(a));
		expect(itemText(a, ids[0], 'notes')!.toString()).toBe('东门车位不够');
	});

	it('converges when two people move items at the same time', () => {
		const { a, b, sync } = pair();
		const ids = ['一', '二', '三', '四'].map((title) => addItem(a, { title }));
		sync();
		moveItem(a, ids[3], 0);
		moveItem(b, ids[0], 3);
		sync();
		expect(titles(a)).toEqual(titles(b));
		expect(new Set(titles(a))).toEqual(new Set(['一', '二', '三', '四']));
	});

	it('clamps time boxes to whole minutes between 0 and 240', () => {
		const doc = new Y.Doc();
		const id = addItem(doc, { title: 'x', minutes: 9999 });
		expect(listItems(doc)[0].minutes).toBe(240);
		setMinutes(doc, id, -5);
		expect(listItems(doc)[0].minutes).toBe(0);
		setMinutes(doc, id, 12.6);
		expect(listItems(doc)[0].minutes).toBe(13);
	});
});

describe('adding a proposal to an agenda', () => {
	it('links it as an item, stores the document, and marks the proposal on the agenda, once', async () => {
		const db = await demoDb();
		const yjs = createYjsServer({ db });
		const f = staff(db, 'facilitator');
		const meetingId = building1Meeting(db);
		const proposalId = fileProposal(db, residentActor(db, '1栋'), {
			title: '楼道灯坏了',
			description: '二楼',
			category: 'facilities',
			about: { type: 'building', id: 1 }
		});
		addProposalToAgenda(db, yjs, f, meetingId, proposalId);
		expect(db.select().from(proposal).get()!.status).toBe('onAgenda');
		const items = yjs.read(`meeting:${meetingId}:agenda`, listItems);
		expect(items).toMatchObject([{ title: '楼道灯坏了', proposalId, minutes: 10 }]);
		expect(() => addProposalToAgenda(db, yjs, f, meetingId, proposalId)).toThrow('ALREADY_ON_AGENDA');
		expect(yjs.read(`meeting:${meetingId}:agenda`, listItems)).toHaveLength(1);
		await yjs.close();
	});

	it('refuses a proposal listed on one agenda for another meeting, and says where it is listed', async () => {
		const db = await demoDb();
		const yjs = createYjsServer({ db });
		const f = staff(db, 'facilitator');
		const first = building1Meeting(db);
		const second = building1Meeting(db);
		const proposalId = fileProposal(db, residentActor(db, '1栋'), {
			title: '楼道灯坏了',
			description: '二楼',
			category: 'facilities',
			about: { type: 'building', id: 1 }
		});
		const row = () => db.select().from(proposal).where(eq(proposal.id, proposalId)).get()!;
		expect(listedOnAgenda(yjs, row())).toBeNull();
		const item = addProposalToAgenda(db, yjs, f, first, proposalId);
		expect(listedOnAgenda(yjs, row())).toBe(first);
		expect(() => addProposalToAgenda(db, yjs, f, second, proposalId)).toThrow('ALREADY_ON_AGENDA');
		expect(yjs.read(`meeting:${second}:agenda`, listItems)).toHaveLength(0);
		// Its item deleted, it is no longer listed (and may be put back, see below).
		yjs.change(`meeting:${first}:agenda`, (doc) => removeItem(doc, item));
		expect(listedOnAgenda(yjs, row())).toBeNull();
		await yjs.close();
	});

	it('lets a committee member link a proposal, but only one about a place inside the meeting’s scope', async () => {
		const db = await demoDb();
		const yjs = createYjsServer({ db });
		const meetingId = building1Meeting(db);
		const here = fileProposal(db, residentActor(db, '1栋'), {
			title: '一楼',
			description: 'd',
			category: 'other',
			about: { type: 'building', id: 1 }
		});
		const there = fileProposal(db, residentActor(db, '2栋'), {
			title: '二栋',
			description: 'd',
			category: 'other',
			about: { type: 'building', id: 2 }
		});
		expect(() => addProposalToAgenda(db, yjs, staff(db, 'committee'), meetingId, there)).toThrow(
			'NOT_ELIGIBLE'
		);
		addProposalToAgenda(db, yjs, staff(db, 'committee'), meetingId, here);
		expect(yjs.read(`meeting:${meetingId}:agenda`, listItems).map((i) => i.proposalId)).toEqual([here]);
		await yjs.close();
	});

	it('puts a deleted item back when re-added, and frees proposals left off the agenda at close', async () => {
		const db = await demoDb();
		const yjs = createYjsServer({ db });
		const f = staff(db, 'facilitator');
		const meetingId = building1Meeting(db);
		const r = residentActor(db, '1栋');
		const kept = fileProposal(db, r, {
			title: '留下',
			description: 'd',
			category: 'other',
			about: { type: 'building', id: 1 }
		});
		const dropped = fileProposal(db, r, {
			title: '删掉',
			description: 'd',
			category: 'other',
			about: { type: 'building', id: 1 }
		});
		const name = `meeting:${meetingId}:agenda`;
		addProposalToAgenda(db, yjs, f, meetingId, kept);
		const item = addProposalToAgenda(db, yjs, f, meetingId, dropped);
		yjs.change(name, (doc) => removeItem(doc, item)); // an editor deletes it
		addProposalToAgenda(db, yjs, f, meetingId, dropped); // and the facilitator adds it back
		expect(yjs.read(name, listItems).map((i) => i.proposalId)).toEqual([kept, dropped]);
		const again = yjs.read(name, listItems).find((i) => i.proposalId === dropped)!.id;
		yjs.change(name, (doc) => removeItem(doc, again));
		openMeeting(db, f, meetingId);
		closeMeeting(db, yjs, f, meetingId);
		const status = (id: number) => db.select().from(proposal).where(eq(proposal.id, id)).get()!;
		expect(status(kept)).toMatchObject({ status: 'onAgenda', agendaMeetingId: meetingId });
		expect(status(dropped)).toMatchObject({ status: 'open', agendaMeetingId: null });
		await yjs.close();
	});

	it('leaves the proposal open when the agenda cannot be stored', async () => {
		const db = await demoDb();
		const f = staff(db, 'facilitator');
		const meetingId = building1Meeting(db);
		const proposalId = fileProposal(db, residentActor(db, '1栋'), {
			title: 't',
			description: 'd',
			category: 'other',
			about: { type: 'building', id: 1 }
		});
		const broken = {
			read: <T>(_: string, fn: (doc: Y.Doc) => T) => fn(new Y.Doc()),
			change: () => {
				throw new Error('disk full');
			},
			reconnectAll: () => {}
		};
		expect(() => addProposalToAgenda(db, broken, f, meetingId, proposalId)).toThrow('disk full');
		expect(db.select().from(proposal).get()!.status).toBe('open');
	});

	it('refuses a resident and changes neither the proposal nor the agenda', async () => {
		const db = await demoDb();
		const yjs = createYjsServer({ db });
		const r = residentActor(db, '1栋');
		const meetingId = building1Meeting(db);
		const proposalId = fileProposal(db, r, {
			title: 't',
			description: 'd',
			category: 'other',
			about: { type: 'building', id: 1 }
		});
		expect(() => addProposalToAgenda(db, yjs, r, meetingId, proposalId)).toThrow('FORBIDDEN');
		expect(db.select().from(proposal).get()!.status).toBe('open');
		expect(yjs.read(`meeting:${meetingId}:agenda`, listItems)).toHaveLength(0);
		await yjs.close();
	});
});
