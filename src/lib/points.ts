/**
 * Words for points entries (积分), shared by the resident's page and the staff pages. The ledger holds
 * codes; the default items have messages in both languages, items the admin added show their name.
 */
import { messageFor } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';

export function reasonWords(reason: string, label: string | null): string {
	const key = `points_reason_${reason}`;
	const words = messageFor(key);
	return words !== key ? words : (label ?? reason);
}

export function entryWords(e: { reason: string; label: string | null; sourceType: string }): string {
	const words = reasonWords(e.reason, e.label);
	return e.sourceType === 'reversal' ? m.points_reversal_of({ label: words }) : words;
}

/** A signed amount as people write it: +5, −20 (a real minus sign, read aloud as 负). */
export function signed(n: number): string {
	return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}
