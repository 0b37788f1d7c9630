/** Words for polls (表决), shared by the phone, the console, the projector and the resolution page. */
import { messageFor } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type { BallotChannel, PollType, PublicRules, Share, TallyView, Threshold } from '$lib/realtime/poll';
import { meetingError } from '$lib/components/meeting/format';

type Option = { id: string; label: string };

export const CHANNELS: BallotChannel[] = ['phone', 'form', 'hand', 'assisted', 'proxy'];

/** A poll error code in words: poll-specific first, then the meeting's and the shared ones. */
export function pollError(code: string): string {
	const own = messageFor(`poll_error_${code}`);
	return own === `poll_error_${code}` ? meetingError(code) : own;
}

/** 同意 / 反对 / 弃权 are the app's own words (in the reader's language); other options are as typed. */
export function optionLabel(type: PollType, option: Option): string {
	if (type === 'yesNoAbstain') {
		const own = messageFor(`poll_option_${option.id}`);
		if (own !== `poll_option_${option.id}`) return own;
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
	return messageFor(`poll_threshold_${t}_explain`);
}

/** The rules as short sentences anyone can read. */
export function rulesLines(rules: PublicRules): string[] {
	return [
		...(rules.preset?.article ? [m.poll_rule_preset({ article: rules.preset.article })] : []),
		...(rules.preset?.matter ? [messageFor(`poll_matter_${rules.preset.matter}`)] : []),
		messageFor(`poll_rule_unit_${rules.votingUnit}`),
		rules.whoMayVote === 'present' ? m.poll_rule_who_present() : m.poll_rule_who_eligible(),
		m.poll_rule_quorum({ share: shareWords(rules.quorum) }),
		thresholdWords(rules.threshold),
		rules.secret ? m.poll_rule_secret() : m.poll_rule_named(),
		rules.liveTally ? m.poll_rule_live() : m.poll_rule_hidden(),
		rules.allowChange ? m.poll_rule_change() : m.poll_rule_no_change()
	];
}

/** 户 / 人 / 位代表 / 位业主 */
export const unitWord = (rules: Pick<PublicRules, 'votingUnit'>) =>
	messageFor(`poll_unit_${rules.votingUnit}`);

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

export function outcomeWords(outcome: 'passed' | 'notPassed' | 'noQuorum'): string {
	return messageFor(`poll_outcome_${outcome}`);
}

export function channelWords(c: BallotChannel): string {
	return messageFor(`poll_channel_${c}`);
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
