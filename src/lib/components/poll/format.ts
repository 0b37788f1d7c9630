/** Words for polls (表决), shared by the phone, the console, the projector and the resolution page. */
import type { ErrorCode } from '$lib/error-codes';
import { label, maybeLabel, type Message } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type {
	BallotChannel,
	PollType,
	PublicRules,
	ResolutionOutcome,
	Share,
	TallyView,
	Threshold,
	VotingUnit
} from '$lib/realtime/poll';
import { meetingError } from '$lib/components/meeting/format';

type Option = { id: string; label: string };

export const CHANNELS: BallotChannel[] = ['phone', 'form', 'hand', 'assisted', 'proxy'];

/** A poll error code in words: poll-specific first, then the meeting's and the shared ones. */
export function pollError(code: string): string {
	return maybeLabel(POLL_ERROR, code) ?? meetingError(code);
}

/** Codes the poll screens word themselves; NO_CHOICE, ASSIST_INCOMPLETE and TOO_FEW_OPTIONS are the forms' own. */
const POLL_ERROR = {
	ALREADY_VOTED: m.poll_error_ALREADY_VOTED,
	ASSIST_INCOMPLETE: m.poll_error_ASSIST_INCOMPLETE,
	HAND_COUNT_BOUND: m.poll_error_HAND_COUNT_BOUND,
	INVALID_CHOICE: m.poll_error_INVALID_CHOICE,
	INVALID_INPUT: m.poll_error_INVALID_INPUT,
	NOT_ELIGIBLE: m.poll_error_NOT_ELIGIBLE,
	NOT_PRESENT: m.poll_error_NOT_PRESENT,
	NO_CHOICE: m.poll_error_NO_CHOICE,
	POLL_CLOSED: m.poll_error_POLL_CLOSED,
	POLL_STATE: m.poll_error_POLL_STATE,
	PROXY_NOT_DESIGNATED: m.poll_error_PROXY_NOT_DESIGNATED,
	TOO_FEW_OPTIONS: m.poll_error_TOO_FEW_OPTIONS
} satisfies Partial<Record<ErrorCode | 'NO_CHOICE' | 'ASSIST_INCOMPLETE' | 'TOO_FEW_OPTIONS', Message>>;

const YES_NO_ABSTAIN = { yes: m.poll_option_yes, no: m.poll_option_no, abstain: m.poll_option_abstain };

const THRESHOLD = {
	simple: m.poll_threshold_simple_explain,
	absolute: m.poll_threshold_absolute_explain,
	twoThirds: m.poll_threshold_twoThirds_explain,
	presentMajority: m.poll_threshold_presentMajority_explain,
	threeQuartersPresent: m.poll_threshold_threeQuartersPresent_explain
} satisfies Record<Threshold, Message>;

/** 民法典 Art 278, items 1–9. */
export const MATTER = {
	1: m.poll_matter_1,
	2: m.poll_matter_2,
	3: m.poll_matter_3,
	4: m.poll_matter_4,
	5: m.poll_matter_5,
	6: m.poll_matter_6,
	7: m.poll_matter_7,
	8: m.poll_matter_8,
	9: m.poll_matter_9
} satisfies Record<1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9, Message>;

const RULE_UNIT = {
	household: m.poll_rule_unit_household,
	resident: m.poll_rule_unit_resident,
	representative: m.poll_rule_unit_representative,
	owner: m.poll_rule_unit_owner
} satisfies Record<VotingUnit, Message>;

const UNIT = {
	household: m.poll_unit_household,
	resident: m.poll_unit_resident,
	representative: m.poll_unit_representative,
	owner: m.poll_unit_owner
} satisfies Record<VotingUnit, Message>;

/** 您已投票 and the like, by voting unit. */
export const VOTED = {
	household: m.poll_household_voted,
	resident: m.poll_resident_voted,
	representative: m.poll_representative_voted,
	owner: m.poll_owner_voted
} satisfies Record<VotingUnit, Message>;

const OUTCOME = {
	passed: m.poll_outcome_passed,
	notPassed: m.poll_outcome_notPassed,
	noQuorum: m.poll_outcome_noQuorum,
	withdrawn: m.poll_outcome_withdrawn
} satisfies Record<ResolutionOutcome, Message>;

const CHANNEL = {
	phone: m.poll_channel_phone,
	form: m.poll_channel_form,
	hand: m.poll_channel_hand,
	assisted: m.poll_channel_assisted,
	proxy: m.poll_channel_proxy
} satisfies Record<BallotChannel, Message>;

/** 民法典 Art 278 item n in words (the number itself when out of range). */
export const matterWords = (n: number) => label(MATTER, String(n));

/** 同意 / 反对 / 弃权 are the app's own words (in the reader's language); other options are as typed. */
export function optionLabel(type: PollType, option: Option): string {
	if (type === 'yesNoAbstain') {
		const own = maybeLabel(YES_NO_ABSTAIN, option.id);
		if (own !== undefined) return own;
	}
	return option.label;
}

export function choiceWords(type: PollType, options: Option[], choices: string[]): string {
	return choices
		.map((c) => options.find((o) => o.id === c))
		.filter((o): o is Option => !!o)
		.map((o) => optionLabel(type, o))
		.join(m.poll_list_separator());
}

/** 过半数, 三分之二以上, or "more than / at least n/d" for other shares. */
export function shareWords(q: Share): string {
	if (q.num === 1 && q.den === 2 && q.strict) return m.poll_share_half_strict();
	if (q.num === 1 && q.den === 2) return m.poll_share_half();
	if (q.num === 2 && q.den === 3 && !q.strict) return m.poll_share_two_thirds();
	if (q.num === 2 && q.den === 3) return m.poll_share_two_thirds_strict();
	return q.strict
		? m.poll_share_more({ num: q.num, den: q.den })
		: m.poll_share_at_least({ num: q.num, den: q.den });
}

export function thresholdWords(t: Threshold): string {
	return label(THRESHOLD, t);
}

/** The rules as short sentences anyone can read. */
export function rulesLines(rules: PublicRules): string[] {
	return [
		...(rules.preset?.article ? [m.poll_rule_preset({ article: rules.preset.article })] : []),
		...(rules.preset?.matter ? [matterWords(rules.preset.matter)] : []),
		label(RULE_UNIT, rules.votingUnit),
		rules.whoMayVote === 'present' ? m.poll_rule_who_present() : m.poll_rule_who_eligible(),
		m.poll_rule_quorum({ share: shareWords(rules.quorum) }),
		thresholdWords(rules.threshold),
		rules.secret ? m.poll_rule_secret() : m.poll_rule_named(),
		rules.liveTally ? m.poll_rule_live() : m.poll_rule_hidden(),
		rules.allowChange ? m.poll_rule_change() : m.poll_rule_no_change()
	];
}

/** 户 / 人 / 位代表 / 位业主 */
export const unitWord = (rules: Pick<PublicRules, 'votingUnit'>) => label(UNIT, rules.votingUnit);

/** Hundredths of a square metre as square metres, e.g. 8935 → "89.35". */
export const areaWords = (hundredths: number) => (hundredths / 100).toFixed(2).replace(/\.?0+$/, '');

/** 业主大会: 参与面积 X / 总面积 Y 平方米 · 需三分之二以上（至少 Z 平方米） */
export function areaTurnoutLine(area: NonNullable<TallyView['byArea']>, rules: PublicRules): string {
	return m.poll_area_turnout({
		voted: areaWords(area.participating),
		eligible: areaWords(area.eligible),
		share: shareWords(rules.quorum),
		need: areaWords(quorumNeed(area.eligible, rules.quorum))
	});
}

/** Smallest number of units that meets the quorum share of `eligible`. */
export function quorumNeed(eligible: number, q: Share): number {
	const exact = (eligible * q.num) / q.den;
	if (q.strict) return Math.floor(exact) + 1;
	return Math.ceil(exact);
}

/** 已投 X / 应投 Y · 需过半数（至少 Z） */
export function turnoutLine(tally: TallyView, rules: PublicRules): string {
	const unit = unitWord(rules);
	return m.poll_turnout({
		voted: tally.participating,
		eligible: tally.eligible,
		unit,
		share: shareWords(rules.quorum),
		need: quorumNeed(tally.eligible, rules.quorum)
	});
}

export function outcomeWords(outcome: ResolutionOutcome): string {
	return label(OUTCOME, outcome);
}

/** The sign beside the outcome's words (never the only cue): ✓ passed, ↩ withdrawn, ✗ otherwise. */
export function outcomeMark(outcome: ResolutionOutcome): string {
	return outcome === 'passed' ? '✓' : outcome === 'withdrawn' ? '↩' : '✗';
}

export function channelWords(c: BallotChannel): string {
	return label(CHANNEL, c);
}

/** mm:ss or h:mm:ss of what is left. */
export function remaining(ms: number): string {
	const total = Math.max(0, Math.ceil(ms / 1000));
	const h = Math.floor(total / 3600);
	const mm = Math.floor((total % 3600) / 60);
	const ss = total % 60;
	const two = (n: number) => String(n).padStart(2, '0');
	return h > 0 ? `${h}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

/** The poll a screen should show: the open one, or the newest closed one while its item is still current. */
export function pollToShow<P extends { status: 'open' | 'closed'; agendaItemId: string | null }>(
	polls: P[],
	currentItemId: string | null
): P | null {
	const newest = polls[0];
	if (!newest) return null;
	if (newest.status === 'open') return newest;
	return newest.agendaItemId === currentItemId ? newest : null;
}
