import { beforeEach, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { pointEntry, pointRule, resident } from '$lib/server/db/schema';
import { DomainError } from '$lib/server/domain/errors';
import { fileProposal, secondProposal } from '$lib/server/domain/proposals';
import {
	awardParticipation,
	awardResolved,
	grantBasePoints,
	pointsBalance,
	pointsYear,
	recordPointEntry,
	redeemPoints,
	reversePointEntry,
	underCap
} from '$lib/server/domain/points';
import { addPointRule, updatePointRule } from '$lib/server/domain/points-rules';
import { deleteResident } from '$lib/server/domain/roster';
import { buildingRanking, myPoints, pointsStandings } from '$lib/server/domain/points-views';
import { standingsCsv } from '$lib/server/exports/points-export';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-06-01T02:00:00Z');

let db: Db;
const rule = (code: string) =>
	db
		.select()
		.from(pointRule)
		.where(and(eq(pointRule.communityId, 1), eq(pointRule.code, code)))
		.get()!;
const entries = (residentId: number) =>
	db.select().from(pointEntry).where(eq(pointEntry.residentId, residentId)).all();
const ledgerSize = () => db.select({ n: count() }).from(pointEntry).get()!.n;
const code = (f: () => unknown) => {
	try {
		f();
	} catch (e) {
		if (e instanceof DomainError) return e.code;
		throw e;
	}
	return 'no error';
};
const setRule = (
	c: string,
	patch: Partial<{ amount: number; yearlyCap: number | null; active: boolean }>
) => {
	const r = rule(c);
	updatePointRule(db, staff(db, 'admin'), {
		ruleId: r.id,
		amount: patch.amount ?? r.amount,
		yearlyCap: patch.yearlyCap === undefined ? r.yearlyCap : patch.yearlyCap,
		threshold: r.threshold,
		active: patch.active ?? r.active
	});
};

let alice: number; // the first resident of 1栋
let bob: number; // the first resident of 2栋

beforeEach(async () => {
	db = await demoDb();
	alice = residentActor(db, '1栋').residentId!;
	bob = residentActor(db, '2栋').residentId!;
});

describe('balances are derived from the ledger', () => {
	it('starts every demo resident with this year’s base points, and sums every entry after', () => {
		expect(pointsBalance(db, alice)).toBe(60);
		expect(entries(alice)).toMatchObject([
			{ reason: 'base', amount: 60, sourceType: 'year', sourceId: pointsYear(Date.now()) }
		]);
		awardParticipation(db, { residentId: alice, code: 'attend', sourceType: 'meeting', sourceId: 7 }, NOW);
		recordPointEntry(db, staff(db, 'admin'), { residentId: alice, ruleId: rule('littering').id }, NOW);
		redeemPoints(db, staff(db, 'admin'), { residentId: alice, points: 10, goods: '洗衣粉' }, NOW);
		expect(pointsBalance(db, alice)).toBe(60 + 2 - 5 - 10);
		expect(myPoints(db, residentActor(db, '1栋'), NOW).balance).toBe(47);
	});

	it('grants the base once per resident and year, however often staff press the button', () => {
		expect(grantBasePoints(db, staff(db, 'admin'))).toBe(0); // the seed already did
		expect(grantBasePoints(db, staff(db, 'admin'), at('2027-03-01T00:00:00Z'))).toBe(42);
		expect(pointsBalance(db, alice)).toBe(120);
		expect(code(() => grantBasePoints(db, staff(db, 'building1')))).toBe('FORBIDDEN');
	});
});

describe('participation pays exactly once per event', () => {
	it('ignores a second award for the same resident, reason and source', () => {
		const e = { residentId: alice, code: 'vote' as const, sourceType: 'poll' as const, sourceId: 3 };
		expect(awardParticipation(db, e, NOW)).toBe(1);
		expect(awardParticipation(db, e, NOW)).toBe(0);
		expect(awardParticipation(db, { ...e, sourceId: 4 }, NOW)).toBe(1);
		expect(entries(alice).filter((x) => x.reason === 'vote')).toHaveLength(2);
	});

	it('pays nothing for a rule that is switched off or set to zero', () => {
		setRule('attend', { active: false });
		expect(
			awardParticipation(db, { residentId: alice, code: 'attend', sourceType: 'meeting', sourceId: 1 }, NOW)
		).toBe(0);
		setRule('attend', { active: true, amount: 0 });
		expect(
			awardParticipation(db, { residentId: alice, code: 'attend', sourceType: 'meeting', sourceId: 1 }, NOW)
		).toBe(0);
		expect(entries(alice).filter((x) => x.reason === 'attend')).toHaveLength(0);
	});
});

describe('yearly caps', () => {
	it('pays only what still fits under the cap, then nothing', () => {
		expect(underCap(2, 3, 2)).toBe(1);
		expect(underCap(2, null, 1000)).toBe(2);
		setRule('attend', { amount: 2, yearlyCap: 5 });
		const paid = [1, 2, 3, 4].map((m) =>
			awardParticipation(db, { residentId: alice, code: 'attend', sourceType: 'meeting', sourceId: m }, NOW)
		);
		expect(paid).toEqual([2, 2, 1, 0]);
		expect(
			entries(alice)
				.filter((x) => x.reason === 'attend')
				.map((x) => x.amount)
		).toEqual([2, 2, 1]);
		// The cap is per resident: Bob still earns in full.
		expect(
			awardParticipation(db, { residentId: bob, code: 'attend', sourceType: 'meeting', sourceId: 1 }, NOW)
		).toBe(2);
	});

	it('counts by the China calendar year', () => {
		setRule('vote', { amount: 1, yearlyCap: 1 });
		const lastMinute = at('2026-12-31T15:59:00Z'); // 23:59 on 31 Dec in China
		const newYear = at('2026-12-31T16:00:00Z'); // 00:00 on 1 Jan in China
		expect(
			awardParticipation(db, { residentId: alice, code: 'vote', sourceType: 'poll', sourceId: 1 }, lastMinute)
		).toBe(1);
		expect(
			awardParticipation(db, { residentId: alice, code: 'vote', sourceType: 'poll', sourceId: 2 }, lastMinute)
		).toBe(0);
		expect(
			awardParticipation(db, { residentId: alice, code: 'vote', sourceType: 'poll', sourceId: 2 }, newYear)
		).toBe(1);
		expect(
			entries(alice)
				.filter((x) => x.reason === 'vote')
				.map((x) => x.year)
		).toEqual([2026, 2027]);
	});

	it('refuses a volunteer entry over the cap with a code and writes nothing', () => {
		const admin = staff(db, 'admin');
		const cleaning = rule('cleaning'); // 5 points, at most 30 a year
		for (let i = 0; i < 6; i++) recordPointEntry(db, admin, { residentId: alice, ruleId: cleaning.id }, NOW);
		const before = ledgerSize();
		expect(code(() => recordPointEntry(db, admin, { residentId: alice, ruleId: cleaning.id }, NOW))).toBe(
			'POINTS_CAP_REACHED'
		);
		expect(ledgerSize()).toBe(before);
	});
});

describe('rules change the future only', () => {
	it('keeps the amount an entry was written with after the rule changes', () => {
		awardParticipation(db, { residentId: alice, code: 'vote', sourceType: 'poll', sourceId: 1 }, NOW);
		setRule('vote', { amount: 5 });
		awardParticipation(db, { residentId: alice, code: 'vote', sourceType: 'poll', sourceId: 2 }, NOW);
		expect(
			entries(alice)
				.filter((x) => x.reason === 'vote')
				.map((x) => x.amount)
		).toEqual([1, 5]);
	});

	it('refuses negative or huge amounts and caps, and edits by anyone but the admin', () => {
		const r = rule('vote');
		const input = { ruleId: r.id, amount: 1, yearlyCap: 30, threshold: null, active: true };
		expect(code(() => updatePointRule(db, staff(db, 'admin'), { ...input, amount: -1 }))).toBe(
			'INVALID_INPUT'
		);
		expect(code(() => updatePointRule(db, staff(db, 'admin'), { ...input, amount: 1e9 }))).toBe(
			'INVALID_INPUT'
		);
		expect(code(() => updatePointRule(db, staff(db, 'admin'), { ...input, yearlyCap: -3 }))).toBe(
			'INVALID_INPUT'
		);
		expect(code(() => updatePointRule(db, staff(db, 'officer'), input))).toBe('FORBIDDEN');
		expect(code(() => updatePointRule(db, residentActor(db, '1栋'), input))).toBe('FORBIDDEN');
		expect(rule('vote').amount).toBe(1);
	});

	it('lets the admin add a negative-list item that staff can then deduct for', () => {
		const id = addPointRule(db, staff(db, 'admin'), {
			kind: 'negative',
			label: '楼道堆放杂物',
			amount: 3,
			yearlyCap: null
		});
		recordPointEntry(db, staff(db, 'building1'), { residentId: alice, ruleId: id, note: '三楼楼道' }, NOW);
		expect(entries(alice).at(-1)).toMatchObject({ amount: -3, ruleId: id, note: '三楼楼道' });
		expect(
			code(() =>
				addPointRule(db, staff(db, 'admin'), {
					kind: 'participation',
					label: 'x',
					amount: 3,
					yearlyCap: null
				})
			)
		).toBe('INVALID_INPUT');
	});
});

describe('staff entries and bad input', () => {
	it('deducts only for a listed, active item of the negative list or volunteer work', () => {
		const admin = staff(db, 'admin');
		const before = ledgerSize();
		expect(code(() => recordPointEntry(db, admin, { residentId: alice, ruleId: rule('vote').id }, NOW))).toBe(
			'POINTS_REASON_UNLISTED'
		);
		expect(code(() => recordPointEntry(db, admin, { residentId: alice, ruleId: 99999 }, NOW))).toBe(
			'POINTS_REASON_UNLISTED'
		);
		setRule('littering', { active: false });
		expect(
			code(() => recordPointEntry(db, admin, { residentId: alice, ruleId: rule('littering').id }, NOW))
		).toBe('POINTS_REASON_UNLISTED');
		expect(ledgerSize()).toBe(before);
	});

	it('books a double-clicked or resent staff form once, by the key the page made', () => {
		const admin = staff(db, 'admin');
		const key = 'a1b2c3d4-e5f6-4789-8abc-def012345678';
		const clean = rule('cleaning').id;
		const first = recordPointEntry(db, admin, { residentId: alice, ruleId: clean, requestKey: key }, NOW);
		const before = ledgerSize();
		expect(recordPointEntry(db, admin, { residentId: alice, ruleId: clean, requestKey: key }, NOW)).toBe(
			first
		);
		const redeemKey = 'f0e1d2c3-b4a5-4697-8877-665544332211';
		const r = redeemPoints(
			db,
			admin,
			{ residentId: alice, points: 3, goods: '香皂', requestKey: redeemKey },
			NOW
		);
		expect(
			redeemPoints(db, admin, { residentId: alice, points: 3, goods: '香皂', requestKey: redeemKey }, NOW)
		).toBe(r);
		expect(ledgerSize()).toBe(before + 1);
		// A key is one form for one resident: reused for another, or malformed, it is refused.
		const other = staff(db, 'admin');
		expect(
			code(() =>
				redeemPoints(db, other, { residentId: bob, points: 1, goods: '香皂', requestKey: redeemKey }, NOW)
			)
		).toBe('INVALID_INPUT');
		expect(
			code(() => recordPointEntry(db, admin, { residentId: alice, ruleId: clean, requestKey: '<x>' }, NOW))
		).toBe('INVALID_INPUT');
		expect(ledgerSize()).toBe(before + 1);
	});

	it('refuses negative, zero or huge amounts and keeps the ledger', () => {
		const admin = staff(db, 'admin');
		const fire = rule('blockingFireLane').id;
		const before = ledgerSize();
		for (const amount of [-10, 0, 1001, 1e12, 2.5])
			expect(code(() => recordPointEntry(db, admin, { residentId: alice, ruleId: fire, amount }, NOW))).toBe(
				'INVALID_INPUT'
			);
		for (const points of [-10, 0, 1001, 1.5])
			expect(code(() => redeemPoints(db, admin, { residentId: alice, points, goods: '大米' }, NOW))).toBe(
				'INVALID_INPUT'
			);
		expect(code(() => redeemPoints(db, admin, { residentId: alice, points: 5, goods: '  ' }, NOW))).toBe(
			'INVALID_INPUT'
		);
		expect(ledgerSize()).toBe(before);
		recordPointEntry(db, admin, { residentId: alice, ruleId: fire, amount: 15 }, NOW);
		expect(entries(alice).at(-1)!.amount).toBe(-15);
	});

	it('lets only staff of the resident’s building or above record points', () => {
		const fire = rule('blockingFireLane').id;
		const before = ledgerSize();
		expect(
			code(() => recordPointEntry(db, residentActor(db, '1栋', 1), { residentId: alice, ruleId: fire }, NOW))
		).toBe('FORBIDDEN');
		expect(
			code(() =>
				redeemPoints(db, residentActor(db, '1栋'), { residentId: alice, points: 1, goods: '肥皂' }, NOW)
			)
		).toBe('FORBIDDEN');
		expect(
			code(() => recordPointEntry(db, staff(db, 'building1'), { residentId: bob, ruleId: fire }, NOW))
		).toBe('FORBIDDEN');
		expect(
			code(() => recordPointEntry(db, staff(db, 'facilitator'), { residentId: alice, ruleId: fire }, NOW))
		).toBe('FORBIDDEN');
		expect(code(() => recordPointEntry(db, null, { residentId: alice, ruleId: fire }, NOW))).toBe(
			'UNAUTHENTICATED'
		);
		expect(ledgerSize()).toBe(before);
		recordPointEntry(db, staff(db, 'building1'), { residentId: alice, ruleId: fire }, NOW);
		recordPointEntry(db, staff(db, 'officer'), { residentId: bob, ruleId: fire }, NOW);
		expect(ledgerSize()).toBe(before + 2);
	});
});

describe('redemption', () => {
	it('never takes a balance below zero, and a refused redemption changes nothing', () => {
		const officer = staff(db, 'officer');
		redeemPoints(db, officer, { residentId: alice, points: 50, goods: '食用油一桶' }, NOW);
		const before = ledgerSize();
		expect(code(() => redeemPoints(db, officer, { residentId: alice, points: 11, goods: '大米' }, NOW))).toBe(
			'POINTS_INSUFFICIENT'
		);
		expect(ledgerSize()).toBe(before);
		redeemPoints(db, officer, { residentId: alice, points: 10, goods: '大米' }, NOW);
		expect(pointsBalance(db, alice)).toBe(0);
		expect(entries(alice).at(-1)).toMatchObject({
			reason: 'redeem',
			amount: -10,
			note: '大米',
			sourceType: 'staff'
		});
	});
});

describe('corrections are reversing entries', () => {
	it('reverses an entry once, never a reversal, and keeps both rows', () => {
		const admin = staff(db, 'admin');
		const id = recordPointEntry(db, admin, { residentId: alice, ruleId: rule('throwingFromHeight').id }, NOW);
		expect(pointsBalance(db, alice)).toBe(40);
		const rev = reversePointEntry(db, admin, { entryId: id, note: '认错了人' }, NOW);
		expect(pointsBalance(db, alice)).toBe(60);
		expect(entries(alice).at(-1)).toMatchObject({
			id: rev,
			amount: 20,
			sourceType: 'reversal',
			sourceId: id,
			reason: 'throwingFromHeight'
		});
		const before = ledgerSize();
		expect(code(() => reversePointEntry(db, admin, { entryId: id, note: '再来一次' }, NOW))).toBe(
			'POINTS_ALREADY_REVERSED'
		);
		expect(code(() => reversePointEntry(db, admin, { entryId: rev, note: '撤销更正' }, NOW))).toBe(
			'INVALID_INPUT'
		);
		expect(code(() => reversePointEntry(db, admin, { entryId: id, note: '' }, NOW))).toBe('INVALID_INPUT');
		expect(code(() => reversePointEntry(db, staff(db, 'building1'), { entryId: id, note: 'x' }, NOW))).toBe(
			'FORBIDDEN'
		);
		expect(ledgerSize()).toBe(before);
	});

	it('frees room under the cap of the year it corrects', () => {
		setRule('vote', { amount: 1, yearlyCap: 1 });
		awardParticipation(db, { residentId: alice, code: 'vote', sourceType: 'poll', sourceId: 1 }, NOW);
		const first = entries(alice).at(-1)!.id;
		reversePointEntry(db, staff(db, 'admin'), { entryId: first, note: '重复计分' }, NOW + 1000);
		expect(
			awardParticipation(db, { residentId: alice, code: 'vote', sourceType: 'poll', sourceId: 2 }, NOW)
		).toBe(1);
	});
});

describe('the ledger is append-only', () => {
	it('refuses UPDATE and DELETE in the database itself', () => {
		expect(() => db.$client.prepare('UPDATE point_entry SET amount = 1000').run()).toThrow(
			/POINTS_APPEND_ONLY/
		);
		expect(() => db.$client.prepare('DELETE FROM point_entry').run()).toThrow(/POINTS_APPEND_ONLY/);
		expect(pointsBalance(db, alice)).toBe(60);
	});

	it('keeps a resident with entries on the roster (IN_USE), so no entry loses its person', () => {
		const carol = { id: residentActor(db, '3栋').residentId! };
		db.$client.prepare('DELETE FROM user WHERE resident_id = ?').run(carol.id); // no account: only the ledger holds her
		expect(code(() => deleteResident(db, staff(db, 'admin'), { residentId: carol.id }))).toBe('IN_USE');
		expect(entries(carol.id)).toHaveLength(1);
	});
});

describe('standings and the 文明楼栋 ranking', () => {
	it('shows a building head only their building, the admin every building', () => {
		const head = pointsStandings(db, staff(db, 'building1'), {}, NOW);
		expect(new Set(head.rows.map((r) => r.building))).toEqual(new Set(['1栋']));
		expect(pointsStandings(db, staff(db, 'admin'), {}, NOW).rows).toHaveLength(42);
		expect(code(() => pointsStandings(db, staff(db, 'building1'), { buildingId: 2 }, NOW))).toBe('FORBIDDEN');
		expect(code(() => pointsStandings(db, residentActor(db, '1栋'), {}, NOW))).toBe('FORBIDDEN');
		expect(code(() => pointsStandings(db, staff(db, 'committee'), {}, NOW))).toBe('FORBIDDEN');
	});

	it('ranks buildings by participation per resident, leaving out base points and redemptions', () => {
		const admin = staff(db, 'admin');
		const year = pointsYear(Date.now());
		const now = Date.now();
		recordPointEntry(db, admin, { residentId: alice, ruleId: rule('emergency').id }, now); // 1栋 +10
		awardParticipation(db, { residentId: bob, code: 'attend', sourceType: 'meeting', sourceId: 1 }, now); // 2栋 +2
		recordPointEntry(db, admin, { residentId: bob, ruleId: rule('littering').id }, now); // 2栋 −5
		redeemPoints(db, admin, { residentId: alice, points: 60, goods: '大米' }, now);
		const { year: y, rows } = buildingRanking(db, residentActor(db, '3栋'), now);
		expect(y).toBe(year);
		expect(rows[0]).toMatchObject({ building: '1栋', points: 10, residents: 6, perResident: 1.7, rank: 1 });
		expect(rows.at(-1)).toMatchObject({ building: '2栋', points: -3, perResident: -0.5, rank: 7 });
		// The five buildings without entries share rank 2.
		expect(rows.slice(1, 6).map((r) => r.rank)).toEqual([2, 2, 2, 2, 2]);
	});

	it('exports the standings as CSV with formulas neutralized', () => {
		db.update(resident).set({ name: '=HYPERLINK("http://x")' }).where(eq(resident.id, alice)).run();
		const csv = standingsCsv(db, staff(db, 'admin'), { buildingId: 1 }, NOW);
		expect(csv.startsWith('\uFEFF')).toBe(true);
		expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
		expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + 6);
	});
});

describe('proposals', () => {
	const proposerOf = () => {
		const proposer = residentActor(db, '1栋');
		const id = fileProposal(db, proposer, {
			title: '楼道灯坏了',
			description: '三楼到五楼',
			category: 'facilities',
			about: { type: 'building', id: 1 }
		});
		return { id, residentId: proposer.residentId! };
	};
	const earned = (residentId: number, reason: string) =>
		entries(residentId).filter((e) => e.reason === reason);

	it('pays the proposer once when the seconds reach the rule’s threshold, not before', () => {
		const r = rule('proposalSeconded');
		updatePointRule(db, staff(db, 'admin'), {
			ruleId: r.id,
			amount: 5,
			yearlyCap: 20,
			threshold: 3,
			active: true
		});
		const p = proposerOf();
		for (const n of [1, 2]) secondProposal(db, residentActor(db, '1栋', n), p.id);
		expect(earned(p.residentId, 'proposalSeconded')).toHaveLength(0);
		for (const n of [3, 4]) secondProposal(db, residentActor(db, '1栋', n), p.id);
		expect(earned(p.residentId, 'proposalSeconded')).toMatchObject([
			{ amount: 5, sourceType: 'proposal', sourceId: p.id }
		]);
		// Seconding pays nobody else.
		expect(earned(residentActor(db, '1栋', 3).residentId!, 'proposalSeconded')).toHaveLength(0);
	});

	it('pays the proposer once when a passed resolution answers the proposal', () => {
		const p = proposerOf();
		awardResolved(db, p.id, NOW);
		awardResolved(db, p.id, NOW);
		awardResolved(db, null, NOW);
		expect(earned(p.residentId, 'proposalResolved')).toMatchObject([{ amount: 10, sourceId: p.id }]);
	});
});
