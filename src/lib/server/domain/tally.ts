/**
 * Counting a poll: pure functions from stored ballots and hand counts to totals, turnout, quorum and
 * outcome. Shares are compared as exact fractions (a·d vs c·b on integers), never as floats, so a
 * boundary like "exactly two thirds" is decided the same way every time.
 */
import type {
	AreaTally,
	BallotChannel,
	PollType,
	PublicRules,
	Share,
	TallyView,
	Threshold
} from '$lib/realtime/poll';

export type { PollType, Share, Threshold };
/** The rules frozen when a poll opens: the same shape everyone is shown (src/lib/realtime/poll.ts). */
export type PollRules = PublicRules;

export const DEFAULT_RULES: PollRules = {
	votingUnit: 'household',
	whoMayVote: 'present',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};

export type PollOption = { id: string; label: string };
export const YES_NO_ABSTAIN: PollOption[] = [
	{ id: 'yes', label: '同意' },
	{ id: 'no', label: '反对' },
	{ id: 'abstain', label: '弃权' }
];

/** One ballot; `weight` is the unit's floor area when a poll is weighed by area (业主大会). */
export type CountedBallot = { choices: string[]; channel: BallotChannel; weight?: number };

export type TallyInput = {
	type: PollType;
	options: PollOption[];
	rules: Pick<PollRules, 'quorum' | 'threshold'>;
	ballots: CountedBallot[];
	/** Hand counts per option (举手), for units that did not vote otherwise. */
	handCounts: Record<string, number>;
	/** Units on the roll, or their total weight when `weighted`. */
	eligibleUnits: number;
	/** Count each ballot by its weight instead of one (hand counts carry no weight and are not allowed). */
	weighted?: boolean;
};

export type Outcome = 'passed' | 'notPassed' | 'noQuorum';

export type Tally = {
	perOption: Record<string, number>;
	perChannel: Partial<Record<BallotChannel, Record<string, number>>>;
	/** Units that took part (ballots plus hand-counted units). */
	participating: number;
	eligible: number;
	quorumReached: boolean;
	outcome: Outcome;
	/** The options that carried (for yes/no: ['yes'] when passed). */
	carried: string[];
	/** 业主大会: the same ballots weighed by floor area. */
	byArea?: AreaTally;
};

/** a/b compared with a share, exactly. */
export function meetsShare(part: number, whole: number, share: Share): boolean {
	if (whole <= 0) return false;
	const lhs = part * share.den;
	const rhs = whole * share.num;
	return share.strict ? lhs > rhs : lhs >= rhs;
}

const MORE_THAN_HALF: Share = { num: 1, den: 2, strict: true };
const TWO_THIRDS: Share = { num: 2, den: 3, strict: false };
const THREE_QUARTERS: Share = { num: 3, den: 4, strict: false };

/** Hand-counted units: each raised hand is one unit, except in multi-choice polls where one unit may raise several times. */
export function handUnits(type: PollType, handCounts: Record<string, number>): number {
	const counts = Object.values(handCounts);
	if (counts.length === 0) return 0;
	return type === 'multi' ? Math.max(...counts) : counts.reduce((a, b) => a + b, 0);
}

/** Whether one option's votes carry under the threshold. `cast` excludes abstentions for a simple majority. */
function carries(
	votes: number,
	threshold: Threshold,
	castForSimple: number,
	castAll: number,
	eligible: number
): boolean {
	switch (threshold) {
		case 'simple':
			return meetsShare(votes, castForSimple, MORE_THAN_HALF);
		case 'absolute':
			return meetsShare(votes, eligible, MORE_THAN_HALF);
		case 'twoThirds':
			return meetsShare(votes, castAll, TWO_THIRDS);
		case 'presentMajority':
			return meetsShare(votes, castAll, MORE_THAN_HALF);
		case 'threeQuartersPresent':
			return meetsShare(votes, castAll, THREE_QUARTERS);
	}
}

export function tallyPoll(input: TallyInput): Tally {
	const perOption: Record<string, number> = Object.fromEntries(input.options.map((o) => [o.id, 0]));
	const perChannel: Tally['perChannel'] = {};
	const weightOf = (b: CountedBallot) => (input.weighted ? (b.weight ?? 0) : 1);
	for (const b of input.ballots) {
		const channel = (perChannel[b.channel] ??= {});
		for (const c of b.choices) {
			if (!(c in perOption)) continue; // never happens for validated ballots; counting stays total
			perOption[c] += weightOf(b);
			channel[c] = (channel[c] ?? 0) + weightOf(b);
		}
	}
	const hands = input.weighted
		? []
		: Object.entries(input.handCounts).filter(([id, n]) => id in perOption && n > 0);
	if (hands.length) perChannel.hand = {};
	for (const [id, n] of hands) {
		perOption[id] += n;
		perChannel.hand![id] = n;
	}
	const participating =
		input.ballots.reduce((sum, b) => sum + weightOf(b), 0) + handUnits(input.type, Object.fromEntries(hands));
	const eligible = input.eligibleUnits;
	const quorumReached = meetsShare(participating, eligible, input.rules.quorum);
	const base = { perOption, perChannel, participating, eligible, quorumReached };
	if (!quorumReached) return { ...base, outcome: 'noQuorum', carried: [] };

	const threshold = input.rules.threshold;
	let carried: string[];
	if (input.type === 'yesNoAbstain') {
		const { yes = 0, no = 0 } = perOption;
		carried = carries(yes, threshold, yes + no, participating, eligible) ? ['yes'] : [];
	} else if (input.type === 'single') {
		const top = Math.max(...Object.values(perOption));
		const leaders = Object.keys(perOption).filter((id) => perOption[id] === top);
		// A tie at the top carries nothing: the council votes again.
		carried =
			leaders.length === 1 && carries(top, threshold, participating, participating, eligible) ? leaders : [];
	} else {
		carried = Object.keys(perOption).filter((id) =>
			carries(perOption[id], threshold, participating, participating, eligible)
		);
	}
	return { ...base, outcome: carried.length ? 'passed' : 'notPassed', carried };
}

/**
 * 民法典 Art 278: owners decide by headcount and by floor area at once. Each count has its own
 * participation and approval check, and an option carries only when it carries in both.
 */
export function tallyOwners(input: Omit<TallyInput, 'weighted'> & { eligibleArea: number }): Tally {
	const heads = tallyPoll({ ...input, handCounts: {} });
	const area = tallyPoll({ ...input, handCounts: {}, weighted: true, eligibleUnits: input.eligibleArea });
	const byArea: AreaTally = {
		perOption: area.perOption,
		participating: area.participating,
		eligible: area.eligible,
		quorumReached: area.quorumReached
	};
	const quorumReached = heads.quorumReached && area.quorumReached;
	const carried = quorumReached ? heads.carried.filter((c) => area.carried.includes(c)) : [];
	const outcome: Outcome = !quorumReached ? 'noQuorum' : carried.length ? 'passed' : 'notPassed';
	return { ...heads, quorumReached, outcome, carried, byArea };
}

/** Checks a ballot's choices against the poll: known options, no repeats, within the number allowed. */
export function validChoices(
	type: PollType,
	options: PollOption[],
	maxChoices: number,
	choices: string[]
): boolean {
	const ids = new Set(options.map((o) => o.id));
	if (choices.length === 0 || new Set(choices).size !== choices.length) return false;
	if (!choices.every((c) => ids.has(c))) return false;
	return type === 'multi' ? choices.length <= maxChoices : choices.length === 1;
}

/** The part of a tally every screen and the resolution show. */
export function tallyView(
	t: Tally & { participationByChannel: TallyView['participationByChannel'] }
): TallyView {
	return {
		perOption: t.perOption,
		perChannel: t.perChannel,
		participationByChannel: t.participationByChannel,
		participating: t.participating,
		eligible: t.eligible,
		quorumReached: t.quorumReached,
		...(t.byArea ? { byArea: t.byArea } : {})
	};
}
