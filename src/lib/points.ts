/**
 * Words for points entries (积分), shared by the resident's page and the staff pages. The ledger holds
 * codes; the default items have messages in both languages, items the admin added show their name.
 */
import { maybeLabel, type Message } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';

/** The default items' words; items the admin added have none. */
const REASON = {
	attend: m.points_reason_attend,
	base: m.points_reason_base,
	blockingFireLane: m.points_reason_blockingFireLane,
	cleaning: m.points_reason_cleaning,
	emergency: m.points_reason_emergency,
	lavishBanquet: m.points_reason_lavishBanquet,
	littering: m.points_reason_littering,
	mediation: m.points_reason_mediation,
	proposalResolved: m.points_reason_proposalResolved,
	proposalSeconded: m.points_reason_proposalSeconded,
	rate: m.points_reason_rate,
	redeem: m.points_reason_redeem,
	throwingFromHeight: m.points_reason_throwingFromHeight,
	trafficAdvice: m.points_reason_trafficAdvice,
	vote: m.points_reason_vote
} satisfies Record<string, Message>;

/** 基础分 / 参与分 / 志愿分 / 扣分 */
export const POINTS_KIND = {
	base: m.points_kind_base,
	participation: m.points_kind_participation,
	volunteer: m.points_kind_volunteer,
	negative: m.points_kind_negative
} satisfies Record<string, Message>;

export function reasonWords(reason: string, label: string | null): string {
	return maybeLabel(REASON, reason) ?? label ?? reason;
}

export function entryWords(e: { reason: string; label: string | null; sourceType: string }): string {
	const words = reasonWords(e.reason, e.label);
	return e.sourceType === 'reversal' ? m.points_reversal_of({ label: words }) : words;
}

/** A signed amount as people write it: +5, −20 (a real minus sign, read aloud as 负). */
export function signed(n: number): string {
	return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}
