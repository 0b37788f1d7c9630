import { describe, expect, it } from 'vitest';
import { applyPreset } from '$lib/server/domain/presets';
import { createMeeting, openMeeting } from '$lib/server/domain/meetings';
import { openPoll, getPoll } from '$lib/server/domain/polls';
import { DEFAULT_RULES, meetsShare, tallyPoll, YES_NO_ABSTAIN } from '$lib/server/domain/tally';
import { createYjsServer } from '$lib/server/yjs';
import { demoDb, staff } from '../helpers/demo-db';

const yes = (n: number) => Array.from({ length: n }, () => ({ choices: ['yes'], channel: 'phone' as const }));
const others = (choice: string, n: number) =>
	Array.from({ length: n }, () => ({ choices: [choice], channel: 'phone' as const }));

describe('legal presets', () => {
	it('takes unit, quorum and majority from the law, whatever the client sent', () => {
		const rules = applyPreset(
			{
				...DEFAULT_RULES,
				threshold: 'absolute',
				quorum: { num: 1, den: 10, strict: false },
				preset: { id: 'villagerGroup', base: 'households' }
			},
			{ body: 'villagerGroup' }
		);
		expect(rules).toMatchObject({
			votingUnit: 'household',
			quorum: { num: 2, den: 3, strict: false },
			threshold: 'presentMajority',
			preset: { id: 'villagerGroup', base: 'households', article: '村民委员会组织法 第二十八条' }
		});
		expect(
			applyPreset(
				{ ...DEFAULT_RULES, preset: { id: 'villagerAssembly', base: 'adults' } },
				{ body: 'villagerAssembly' }
			).votingUnit
		).toBe('resident');
	});

	it('refuses a preset the meeting’s body does not allow, or a base the law does not name', () => {
		expect(() =>
			applyPreset(
				{ ...DEFAULT_RULES, preset: { id: 'villagerAssembly', base: 'adults' } },
				{ body: 'buildingCouncil' }
			)
		).toThrow('INVALID_INPUT');
		expect(() =>
			applyPreset(
				{ ...DEFAULT_RULES, preset: { id: 'nonsense', base: 'adults' } },
				{ body: 'villagerAssembly' }
			)
		).toThrow('INVALID_INPUT');
		expect(() =>
			applyPreset(
				{ ...DEFAULT_RULES, preset: { id: 'ownersOrdinary', base: 'households', matter: 4 } },
				{ body: 'ownersAssembly' }
			)
		).toThrow('INVALID_INPUT');
		expect(() =>
			applyPreset(
				{ ...DEFAULT_RULES, preset: { id: 'villagerRepresentatives', base: 'adults' } },
				{ body: 'villagerRepresentatives' }
			)
		).toThrow('INVALID_INPUT');
		// The owners' and representatives' units exist only under their presets.
		expect(() => applyPreset({ ...DEFAULT_RULES, votingUnit: 'owner' }, { body: 'ownersAssembly' })).toThrow(
			'INVALID_INPUT'
		);
		expect(() =>
			applyPreset(
				{ ...DEFAULT_RULES, preset: { id: 'ownersOrdinary', base: 'adults' } },
				{ body: 'ownersAssembly' }
			)
		).toThrow('INVALID_INPUT');
	});

	it('asks two thirds of households’ representatives at a 村民会议, but more than half of adults', () => {
		const by = (base: 'adults' | 'households') =>
			applyPreset(
				{ ...DEFAULT_RULES, preset: { id: 'villagerAssembly', base } },
				{ body: 'villagerAssembly' }
			).quorum;
		expect(by('adults')).toEqual({ num: 1, den: 2, strict: true });
		expect(by('households')).toEqual({ num: 2, den: 3, strict: false });
	});

	it('holds a village committee election by secret ballot, whatever the client asked', () => {
		const rules = applyPreset(
			{ ...DEFAULT_RULES, secret: false, liveTally: true, preset: { id: 'villageElection', base: 'adults' } },
			{ body: 'villageElection' }
		);
		expect(rules).toMatchObject({ secret: true, liveTally: false, allowChange: false });
	});

	it('counts "at least two thirds attend" inclusively: exactly 2/3 is a quorum, one short is not', () => {
		const quorum = { num: 2, den: 3, strict: false };
		expect(meetsShare(20, 30, quorum)).toBe(true);
		expect(meetsShare(19, 30, quorum)).toBe(false);
		expect(meetsShare(21, 30, quorum)).toBe(true);
	});

	it('decides "more than half of those present agree" with abstentions counting against', () => {
		const rules = { quorum: { num: 1, den: 2, strict: true }, threshold: 'presentMajority' as const };
		const t = (ballots: ReturnType<typeof yes>) =>
			tallyPoll({
				type: 'yesNoAbstain',
				options: YES_NO_ABSTAIN,
				rules,
				ballots,
				handCounts: {},
				eligibleUnits: 10
			}).outcome;
		expect(t([...yes(4), ...others('no', 2)])).toBe('passed'); // 4 of 6 present
		expect(t([...yes(3), ...others('no', 1), ...others('abstain', 2)])).toBe('notPassed'); // 3 of 6 is not more than half
		expect(t([...yes(4), ...others('no', 1), ...others('abstain', 2)])).toBe('passed'); // 4 of 7
		// The same ballots under a simple majority (abstentions left out) pass at 3 to 1.
		expect(
			tallyPoll({
				type: 'yesNoAbstain',
				options: YES_NO_ABSTAIN,
				rules: { ...rules, threshold: 'simple' },
				ballots: [...yes(3), ...others('no', 1), ...others('abstain', 2)],
				handCounts: {},
				eligibleUnits: 10
			}).outcome
		).toBe('passed');
	});

	it('freezes the preset with its article when a poll opens', async () => {
		const db = await demoDb();
		const f = staff(db, 'facilitator');
		const meetingId = createMeeting(db, f, {
			title: '居民会议',
			scopeType: 'estate',
			scopeId: 1,
			startsAt: new Date(Date.now() + 864e6),
			place: '广场',
			votingUnit: 'household',
			isPublic: true,
			body: 'residentAssembly'
		});
		openMeeting(db, f, meetingId);
		const docs = createYjsServer({ db });
		const pollId = openPoll(db, docs, f, {
			meetingId,
			agendaItemId: null,
			question: '是否同意？',
			type: 'yesNoAbstain',
			rules: { ...DEFAULT_RULES, preset: { id: 'residentAssembly', base: 'adults' } },
			durationSeconds: null
		});
		expect(getPoll(db, pollId).rules).toMatchObject({
			votingUnit: 'resident',
			threshold: 'presentMajority',
			preset: { article: '城市居民委员会组织法 第九条、第十条' }
		});
		await docs.close();
	});
});
