import { describe, expect, it } from 'vitest';
import {
	DEFAULT_RULES,
	YES_NO_ABSTAIN,
	handUnits,
	meetsShare,
	tallyPoll,
	validChoices,
	type CountedBallot,
	type PollOption,
	type PollRules,
	type Share,
	type TallyInput
} from '$lib/server/domain/tally';
import {
	GENESIS_HASH,
	canonicalJson,
	chainHash,
	verifyChain,
	type ChainLink
} from '$lib/server/domain/hash-chain';

const MORE_THAN_HALF: Share = { num: 1, den: 2, strict: true };
const TWO_THIRDS: Share = { num: 2, den: 3, strict: false };

type Channel = CountedBallot['channel'];

/** `n` ballots with the same choices through one channel. */
function ballots(n: number, choices: string[], channel: Channel = 'phone'): CountedBallot[] {
	return Array.from({ length: n }, () => ({ choices: [...choices], channel }));
}

function yesNo(
	votes: { yes?: number; no?: number; abstain?: number },
	eligibleUnits: number,
	rules: Partial<Pick<PollRules, 'quorum' | 'threshold'>> = {},
	handCounts: Record<string, number> = {}
): TallyInput {
	return {
		type: 'yesNoAbstain',
		options: YES_NO_ABSTAIN,
		rules: { quorum: DEFAULT_RULES.quorum, threshold: DEFAULT_RULES.threshold, ...rules },
		ballots: [
			...ballots(votes.yes ?? 0, ['yes']),
			...ballots(votes.no ?? 0, ['no']),
			...ballots(votes.abstain ?? 0, ['abstain'])
		],
		handCounts,
		eligibleUnits
	};
}

const ABC: PollOption[] = [
	{ id: 'a', label: '甲' },
	{ id: 'b', label: '乙' },
	{ id: 'c', label: '丙' }
];

describe('meetsShare', () => {
	it('needs strictly more than half: 3/6 fails, 4/6 and 3/5 pass', () => {
		expect(meetsShare(3, 6, MORE_THAN_HALF)).toBe(false);
		expect(meetsShare(4, 6, MORE_THAN_HALF)).toBe(true);
		expect(meetsShare(3, 5, MORE_THAN_HALF)).toBe(true);
		expect(meetsShare(2, 5, MORE_THAN_HALF)).toBe(false);
	});

	it('accepts exactly two thirds and rejects anything just below it', () => {
		expect(meetsShare(4, 6, TWO_THIRDS)).toBe(true);
		expect(meetsShare(2, 3, TWO_THIRDS)).toBe(true);
		expect(meetsShare(3, 5, TWO_THIRDS)).toBe(false);
		expect(meetsShare(666, 1000, TWO_THIRDS)).toBe(false);
		expect(meetsShare(667, 1000, TWO_THIRDS)).toBe(true);
	});

	it('treats a non-strict half as "at least half"', () => {
		expect(meetsShare(3, 6, { num: 1, den: 2, strict: false })).toBe(true);
		expect(meetsShare(2, 5, { num: 1, den: 2, strict: false })).toBe(false);
	});

	it('never meets a share of an empty whole', () => {
		expect(meetsShare(0, 0, MORE_THAN_HALF)).toBe(false);
		expect(meetsShare(0, 0, TWO_THIRDS)).toBe(false);
		expect(meetsShare(0, 0, { num: 0, den: 1, strict: false })).toBe(false);
		expect(meetsShare(5, 0, TWO_THIRDS)).toBe(false);
	});

	it('compares large counts exactly, without floating-point error', () => {
		const whole = 3_000_000_001; // two thirds is 2,000,000,000.67
		expect(meetsShare(2_000_000_000, whole, TWO_THIRDS)).toBe(false);
		expect(meetsShare(2_000_000_001, whole, TWO_THIRDS)).toBe(true);
		// 1,500,000,000.5 is half of 3,000,000,001
		expect(meetsShare(1_500_000_000, whole, MORE_THAN_HALF)).toBe(false);
		expect(meetsShare(1_500_000_001, whole, MORE_THAN_HALF)).toBe(true);
	});
});

describe('tallyPoll: yes / no / abstain', () => {
	it('passes a simple majority of yes over no, ignoring abstentions', () => {
		const t = tallyPoll(yesNo({ yes: 3, no: 2, abstain: 10 }, 20));
		expect(t.perOption).toEqual({ yes: 3, no: 2, abstain: 10 });
		expect(t.participating).toBe(15);
		expect(t.eligible).toBe(20);
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('passed');
		expect(t.carried).toEqual(['yes']);
	});

	it('does not pass a tie between yes and no', () => {
		const t = tallyPoll(yesNo({ yes: 4, no: 4, abstain: 1 }, 10));
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('notPassed');
		expect(t.carried).toEqual([]);
	});

	it('does not pass a simple-majority poll where everyone abstained', () => {
		const t = tallyPoll(yesNo({ abstain: 6 }, 10));
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('notPassed');
	});

	it('needs more than half of all eligible units for an absolute majority', () => {
		const five = tallyPoll(yesNo({ yes: 5, no: 1 }, 10, { threshold: 'absolute' }));
		expect(five.quorumReached).toBe(true);
		expect(five.outcome).toBe('notPassed');
		const six = tallyPoll(yesNo({ yes: 6 }, 10, { threshold: 'absolute' }));
		expect(six.outcome).toBe('passed');
		expect(six.carried).toEqual(['yes']);
	});

	it('counts two thirds against all ballots cast, abstentions included', () => {
		// 6 of 9 cast is exactly two thirds
		expect(tallyPoll(yesNo({ yes: 6, no: 1, abstain: 2 }, 10, { threshold: 'twoThirds' })).outcome).toBe(
			'passed'
		);
		// 6 of 10 cast: no votes against, but abstentions keep it below two thirds
		expect(tallyPoll(yesNo({ yes: 6, abstain: 4 }, 10, { threshold: 'twoThirds' })).outcome).toBe(
			'notPassed'
		);
	});

	it('reports noQuorum, carrying nothing, when participation is only half of eligible', () => {
		const t = tallyPoll(yesNo({ yes: 5 }, 10));
		expect(t.quorumReached).toBe(false);
		expect(t.outcome).toBe('noQuorum');
		expect(t.carried).toEqual([]);
		expect(t.perOption.yes).toBe(5);
		expect(t.participating).toBe(5);
	});

	it('reaches an "at least half" quorum at exactly half', () => {
		const t = tallyPoll(yesNo({ yes: 5 }, 10, { quorum: { num: 1, den: 2, strict: false } }));
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('passed');
		expect(tallyPoll(yesNo({ yes: 4 }, 10, { quorum: { num: 1, den: 2, strict: false } })).outcome).toBe(
			'noQuorum'
		);
	});

	it('reports noQuorum when nobody is eligible', () => {
		const t = tallyPoll(yesNo({}, 0));
		expect(t.quorumReached).toBe(false);
		expect(t.outcome).toBe('noQuorum');
	});

	it('adds hand counts to totals, to participation and to the hand channel', () => {
		const input = yesNo({ yes: 1, no: 1 }, 10, {}, { yes: 3, no: 1, abstain: 1 });
		const t = tallyPoll(input);
		expect(t.perOption).toEqual({ yes: 4, no: 2, abstain: 1 });
		expect(t.participating).toBe(2 + 5);
		expect(t.perChannel.hand).toEqual({ yes: 3, no: 1, abstain: 1 });
		expect(t.perChannel.phone).toEqual({ yes: 1, no: 1 });
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('passed');
	});

	it('lets hand-counted units alone reach the quorum', () => {
		// 5 ballots alone would be exactly half of 10 (no quorum); one raised hand makes 6
		const t = tallyPoll(yesNo({ yes: 5 }, 10, {}, { no: 1 }));
		expect(t.participating).toBe(6);
		expect(t.quorumReached).toBe(true);
	});

	it('ignores zero and unknown hand counts', () => {
		const t = tallyPoll(yesNo({ yes: 6 }, 10, {}, { yes: 0, maybe: 4 }));
		expect(t.perChannel.hand).toBeUndefined();
		expect(t.perOption).toEqual({ yes: 6, no: 0, abstain: 0 });
		expect(t.participating).toBe(6);
	});

	it('counts each channel separately while totals add them up', () => {
		const input: TallyInput = {
			...yesNo({}, 10),
			ballots: [
				...ballots(2, ['yes'], 'phone'),
				...ballots(1, ['no'], 'phone'),
				...ballots(1, ['yes'], 'form'),
				...ballots(1, ['abstain'], 'assisted'),
				...ballots(1, ['yes'], 'proxy')
			],
			handCounts: { no: 2 }
		};
		const t = tallyPoll(input);
		expect(t.perChannel).toEqual({
			phone: { yes: 2, no: 1 },
			form: { yes: 1 },
			assisted: { abstain: 1 },
			proxy: { yes: 1 },
			hand: { no: 2 }
		});
		expect(t.perOption).toEqual({ yes: 4, no: 3, abstain: 1 });
		expect(t.participating).toBe(8);
	});

	it('takes participation as ballots plus hand units against the eligible units it is given', () => {
		// Whether units are households or residents is decided by the caller through eligibleUnits.
		const input = yesNo({ yes: 3 }, 7, {}, { yes: 1 });
		expect(tallyPoll(input).participating).toBe(4);
		expect(tallyPoll(input).quorumReached).toBe(true); // 4 of 7
		expect(tallyPoll({ ...input, eligibleUnits: 8 }).quorumReached).toBe(false); // 4 of 8
	});
});

describe('tallyPoll: single choice', () => {
	const single = (b: CountedBallot[], eligibleUnits = 10): TallyInput => ({
		type: 'single',
		options: ABC,
		rules: { quorum: DEFAULT_RULES.quorum, threshold: 'simple' },
		ballots: b,
		handCounts: {},
		eligibleUnits
	});

	it('passes a unique leader with more than half of the votes', () => {
		const t = tallyPoll(single([...ballots(4, ['a']), ...ballots(1, ['b']), ...ballots(1, ['c'])]));
		expect(t.outcome).toBe('passed');
		expect(t.carried).toEqual(['a']);
		expect(t.perOption).toEqual({ a: 4, b: 1, c: 1 });
	});

	it('carries nothing on a tie at the top', () => {
		const t = tallyPoll(single([...ballots(3, ['a']), ...ballots(3, ['b'])]));
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('notPassed');
		expect(t.carried).toEqual([]);
	});

	it('does not pass a leader without a majority under a simple threshold', () => {
		const t = tallyPoll(single([...ballots(3, ['a']), ...ballots(2, ['b']), ...ballots(2, ['c'])]));
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('notPassed');
	});

	it('counts hand-raised single choices as one unit each', () => {
		const t = tallyPoll({ ...single(ballots(2, ['a'])), handCounts: { a: 2, b: 2 } });
		expect(t.participating).toBe(6);
		expect(t.perOption).toEqual({ a: 4, b: 2, c: 0 });
		expect(t.outcome).toBe('passed');
	});
});

describe('tallyPoll: multiple choice', () => {
	const multi = (b: CountedBallot[], handCounts: Record<string, number> = {}): TallyInput => ({
		type: 'multi',
		options: ABC,
		rules: { quorum: DEFAULT_RULES.quorum, threshold: 'simple' },
		ballots: b,
		handCounts,
		eligibleUnits: 5
	});

	it('decides each option separately against the units that took part', () => {
		const t = tallyPoll(multi([{ choices: ['a', 'b'], channel: 'phone' }, ...ballots(2, ['a', 'c'])]));
		expect(t.participating).toBe(3);
		expect(t.perOption).toEqual({ a: 3, b: 1, c: 2 });
		expect(t.carried).toEqual(['a', 'c']);
		expect(t.outcome).toBe('passed');
	});

	it('carries nothing when no option reaches a majority', () => {
		const t = tallyPoll(multi([...ballots(1, ['a']), ...ballots(1, ['b']), ...ballots(1, ['c'])]));
		expect(t.quorumReached).toBe(true);
		expect(t.outcome).toBe('notPassed');
		expect(t.carried).toEqual([]);
	});

	it('counts hand-raised units in a multi-choice poll as the largest single option count', () => {
		const t = tallyPoll(multi(ballots(1, ['a']), { a: 2, b: 1 }));
		expect(t.participating).toBe(1 + 2);
		expect(t.perOption).toEqual({ a: 3, b: 1, c: 0 });
	});
});

describe('handUnits', () => {
	it('takes the largest count for multi-choice polls', () => {
		expect(handUnits('multi', { a: 3, b: 5, c: 1 })).toBe(5);
	});

	it('sums counts for single-choice and yes/no polls', () => {
		expect(handUnits('single', { a: 3, b: 5, c: 1 })).toBe(9);
		expect(handUnits('yesNoAbstain', { yes: 2, no: 1, abstain: 1 })).toBe(4);
	});

	it('is zero with no hand counts', () => {
		expect(handUnits('multi', {})).toBe(0);
		expect(handUnits('single', {})).toBe(0);
	});
});

describe('validChoices', () => {
	it('accepts one known option for yes/no and single polls', () => {
		expect(validChoices('yesNoAbstain', YES_NO_ABSTAIN, 1, ['abstain'])).toBe(true);
		expect(validChoices('single', ABC, 1, ['b'])).toBe(true);
	});

	it('rejects an unknown option', () => {
		expect(validChoices('yesNoAbstain', YES_NO_ABSTAIN, 1, ['maybe'])).toBe(false);
		expect(validChoices('multi', ABC, 3, ['a', 'z'])).toBe(false);
	});

	it('rejects duplicate choices', () => {
		expect(validChoices('multi', ABC, 3, ['a', 'a'])).toBe(false);
	});

	it('rejects an empty ballot', () => {
		expect(validChoices('multi', ABC, 3, [])).toBe(false);
		expect(validChoices('single', ABC, 1, [])).toBe(false);
	});

	it('accepts up to maxChoices for multi and rejects more', () => {
		expect(validChoices('multi', ABC, 2, ['a', 'c'])).toBe(true);
		expect(validChoices('multi', ABC, 2, ['a', 'b', 'c'])).toBe(false);
	});

	it('rejects more than one choice for single and yes/no polls, whatever maxChoices says', () => {
		expect(validChoices('single', ABC, 3, ['a', 'b'])).toBe(false);
		expect(validChoices('yesNoAbstain', YES_NO_ABSTAIN, 3, ['yes', 'no'])).toBe(false);
	});
});

describe('hash chain', () => {
	function buildChain(contents: unknown[]): ChainLink[] {
		const links: ChainLink[] = [];
		let prev = GENESIS_HASH;
		contents.forEach((content, i) => {
			const seq = i + 1;
			const hash = chainHash(prev, seq, content);
			links.push({ seq, prevHash: prev, hash, content });
			prev = hash;
		});
		return links;
	}

	const contents = [
		{ title: '修路', result: 'passed', votes: { yes: 6, no: 1 } },
		{ title: '路灯', result: 'notPassed', votes: { yes: 2, no: 5 } },
		{ title: '垃圾分类', result: 'passed', votes: { yes: 7, no: 0 } }
	];

	it('writes canonical JSON independent of key order, at every level', () => {
		const a = canonicalJson({ b: 1, a: { y: [1, { q: 2, p: 1 }], x: 'x' } });
		const b = canonicalJson({ a: { x: 'x', y: [1, { p: 1, q: 2 }] }, b: 1 });
		expect(a).toBe(b);
		expect(a).toBe('{"a":{"x":"x","y":[1,{"p":1,"q":2}]},"b":1}');
	});

	it('keeps array order and drops undefined properties in canonical JSON', () => {
		expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
		expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
		expect(canonicalJson(null)).toBe('null');
		expect(canonicalJson('字')).toBe('"字"');
	});

	it('hashes deterministically to 64 hex digits', () => {
		const h = chainHash(GENESIS_HASH, 1, contents[0]);
		expect(h).toMatch(/^[0-9a-f]{64}$/);
		expect(chainHash(GENESIS_HASH, 1, { ...contents[0] })).toBe(h);
		expect(chainHash(GENESIS_HASH, 1, { votes: { no: 1, yes: 6 }, result: 'passed', title: '修路' })).toBe(h);
	});

	it('changes the hash with the content, the previous hash or the sequence number', () => {
		const h = chainHash(GENESIS_HASH, 1, contents[0]);
		expect(chainHash(GENESIS_HASH, 1, { ...contents[0], result: 'notPassed' })).not.toBe(h);
		expect(chainHash('1'.repeat(64), 1, contents[0])).not.toBe(h);
		expect(chainHash(GENESIS_HASH, 2, contents[0])).not.toBe(h);
	});

	it('accepts an intact chain of three and an empty chain', () => {
		expect(verifyChain(buildChain(contents))).toBeNull();
		expect(verifyChain([])).toBeNull();
	});

	it('reports altered content at link 2 as a hash failure there', () => {
		const links = buildChain(contents);
		links[1] = { ...links[1], content: { ...contents[1], result: 'passed' } };
		expect(verifyChain(links)).toEqual({ seq: 2, reason: 'hash' });
	});

	it('reports a removed middle link as a gap', () => {
		const links = buildChain(contents);
		expect(verifyChain([links[0], links[2]])).toEqual({ seq: 3, reason: 'gap' });
	});

	it('reports a chain not starting at seq 1 as a gap', () => {
		const links = buildChain(contents);
		expect(verifyChain(links.slice(1))).toEqual({ seq: 2, reason: 'gap' });
	});

	it('catches a forged re-hash of link 2 at link 3, which no longer follows it', () => {
		const links = buildChain(contents);
		const forged = { ...contents[1], result: 'passed' };
		links[1] = { ...links[1], content: forged, hash: chainHash(links[1].prevHash, 2, forged) };
		expect(verifyChain(links)).toEqual({ seq: 3, reason: 'link' });
	});

	it('rejects a first link that does not chain to the genesis hash', () => {
		const first = { seq: 1, prevHash: '1'.repeat(64), content: contents[0] };
		const link = { ...first, hash: chainHash(first.prevHash, 1, first.content) };
		expect(verifyChain([link])).toEqual({ seq: 1, reason: 'link' });
	});
});

describe('canonical JSON agrees with what is stored', () => {
	it('writes dates and holes in arrays as JSON.stringify does', () => {
		const value = { at: new Date(Date.UTC(2026, 0, 1)), list: [1, undefined, 3] };
		expect(canonicalJson(value)).toBe(JSON.stringify(value));
		expect(canonicalJson({ a: new Date(1) })).not.toBe(canonicalJson({ a: new Date(2) }));
	});
});
