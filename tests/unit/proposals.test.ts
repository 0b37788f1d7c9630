import { describe, expect, it } from 'vitest';
import { proposal, proposalSecond } from '$lib/server/db/schema';
import {
	canTransition,
	declineProposal,
	fileProposal,
	listProposals,
	mergeProposal,
	moveProposal,
	proposalDetail,
	secondProposal
} from '$lib/server/domain/proposals';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

const input = {
	title: '楼道灯坏了',
	description: '3单元二楼的灯不亮',
	category: 'facilities' as const,
	about: { type: 'building' as const, id: 1 }
};

describe('proposal statuses', () => {
	it('allows open → on an agenda → resolved, and declining or merging while not final', () => {
		expect(canTransition('open', 'onAgenda')).toBe(true);
		expect(canTransition('onAgenda', 'resolved')).toBe(true);
		expect(canTransition('open', 'declined')).toBe(true);
		expect(canTransition('onAgenda', 'merged')).toBe(true);
		expect(canTransition('open', 'resolved')).toBe(false);
		expect(canTransition('resolved', 'open')).toBe(false);
		expect(canTransition('declined', 'onAgenda')).toBe(false);
		expect(canTransition('merged', 'open')).toBe(false);
	});

	it('moves a proposal through the council and refuses an illegal step without changing it', async () => {
		const db = await demoDb();
		const id = fileProposal(db, residentActor(db, '1栋'), input);
		const facilitator = staff(db, 'facilitator');
		// The agenda and the resolution move proposals this way once they have authorized the step.
		expect(() => moveProposal(db, id, 'resolved')).toThrow('PROPOSAL_STATE');
		moveProposal(db, id, 'onAgenda');
		moveProposal(db, id, 'resolved');
		expect(db.select().from(proposal).get()!.status).toBe('resolved');
		expect(() => declineProposal(db, facilitator, id, '重复')).toThrow('PROPOSAL_STATE');
	});

	it('keeps the decline reason for the proposer to see', async () => {
		const db = await demoDb();
		const r = residentActor(db, '1栋');
		const id = fileProposal(db, r, input);
		expect(() => declineProposal(db, staff(db, 'facilitator'), id, '  ')).toThrow('INVALID_INPUT');
		declineProposal(db, staff(db, 'facilitator'), id, '属于物业职责，已转物业');
		expect(proposalDetail(db, r, id).proposal.declineReason).toBe('属于物业职责，已转物业');
	});

	it('merges into another proposal but never into itself', async () => {
		const db = await demoDb();
		const a = fileProposal(db, residentActor(db, '1栋'), input);
		const b = fileProposal(db, residentActor(db, '1栋', 1), input);
		expect(() => mergeProposal(db, staff(db, 'facilitator'), a, a)).toThrow('INVALID_INPUT');
		mergeProposal(db, staff(db, 'facilitator'), b, a);
		expect(proposalDetail(db, staff(db, 'facilitator'), b).proposal).toMatchObject({
			status: 'merged',
			mergedIntoId: a
		});
	});

	it('refuses status changes by residents', async () => {
		const db = await demoDb();
		const r = residentActor(db, '1栋');
		const id = fileProposal(db, r, input);
		expect(() => declineProposal(db, r, id, '不同意')).toThrow('FORBIDDEN');
	});
});

describe('filing and seconding', () => {
	it('records a proposal filed on behalf of a resident without a phone', async () => {
		const db = await demoDb();
		const officer = staff(db, 'officer');
		const neighbour = residentActor(db, '2栋', 2);
		const id = fileProposal(db, officer, {
			...input,
			about: { type: 'building', id: 2 },
			forResidentId: neighbour.residentId!
		});
		const row = db.select().from(proposal).get()!;
		expect(row).toMatchObject({
			id,
			proposerResidentId: neighbour.residentId,
			filedByUserId: officer.userId
		});
		expect(proposalDetail(db, officer, id).onBehalf).toBe(true);
	});

	it('refuses a resident filing on behalf of someone else', async () => {
		const db = await demoDb();
		const other = residentActor(db, '1栋', 1);
		expect(() =>
			fileProposal(db, residentActor(db, '1栋'), { ...input, forResidentId: other.residentId! })
		).toThrow('FORBIDDEN');
		expect(db.select().from(proposal).all()).toHaveLength(0);
	});

	it('refuses a resident filing about another building', async () => {
		const db = await demoDb();
		expect(() =>
			fileProposal(db, residentActor(db, '1栋'), { ...input, about: { type: 'building', id: 2 } })
		).toThrow('FORBIDDEN');
	});

	it('counts a second once per resident and refuses the second time', async () => {
		const db = await demoDb();
		const id = fileProposal(db, residentActor(db, '1栋'), input);
		const neighbour = residentActor(db, '1栋', 1);
		expect(secondProposal(db, neighbour, id)).toBe(1);
		expect(() => secondProposal(db, neighbour, id)).toThrow('ALREADY_SECONDED');
		expect(secondProposal(db, residentActor(db, '1栋', 2), id)).toBe(2);
		expect(db.select().from(proposalSecond).all()).toHaveLength(2);
		expect(proposalDetail(db, neighbour, id)).toMatchObject({ seconded: true, maySecond: false });
	});

	it('refuses seconding one’s own proposal, another building’s, or a declined one', async () => {
		const db = await demoDb();
		const author = residentActor(db, '1栋');
		const id = fileProposal(db, author, input);
		expect(() => secondProposal(db, author, id)).toThrow('ALREADY_SECONDED');
		expect(() => secondProposal(db, residentActor(db, '2栋'), id)).toThrow('FORBIDDEN');
		declineProposal(db, staff(db, 'facilitator'), id, '重复');
		expect(() => secondProposal(db, residentActor(db, '1栋', 1), id)).toThrow('PROPOSAL_STATE');
		expect(db.select().from(proposal).get()!.secondCount).toBe(0);
	});

	it('lists by status and category, most seconded first when asked', async () => {
		const db = await demoDb();
		const r = residentActor(db, '1栋');
		const a = fileProposal(db, r, input);
		const b = fileProposal(db, r, { ...input, title: '乱停车', category: 'parking' });
		secondProposal(db, residentActor(db, '1栋', 1), a);
		expect(listProposals(db, r, { sort: 'seconds' }).map((p) => p.id)).toEqual([a, b]);
		expect(listProposals(db, r, { sort: 'newest' }).map((p) => p.id)).toEqual([b, a]);
		expect(listProposals(db, r, { category: 'parking' }).map((p) => p.id)).toEqual([b]);
		expect(listProposals(db, r, { status: 'resolved' })).toHaveLength(0);
	});
});
