/**
 * Words for meeting minutes (会议纪要), shared by the minutes page and the Markdown download, so both
 * say the same thing in the reader's language. The minutes themselves hold only codes and numbers.
 */
import { errorMessage, messageFor } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { CHANNELS, channelWords } from '$lib/components/poll/format';
import type { MinutesContent, MinutesPoll } from '$lib/server/domain/minutes-content';

export type { MinutesContent, MinutesPoll };

/** China time in the reader's language: minutes are read where the meeting was held. */
export function minutesTime(ms: number): string {
	return new Intl.DateTimeFormat(getLocale() === 'zh' ? 'zh-CN' : 'en-GB', {
		timeZone: 'Asia/Shanghai',
		dateStyle: 'long',
		timeStyle: 'short'
	}).format(new Date(ms));
}

/** 到会 X 户 / 应到 Y 户, whether more than half came, and how they were checked in. */
export function attendanceWords(c: MinutesContent): string[] {
	const { present, eligible, quorum, byChannel } = c.attendance;
	return [
		c.meeting.votingUnit === 'household'
			? m.minutes_attendance_households({ present, eligible })
			: m.minutes_attendance_residents({ present, eligible }),
		quorum ? m.minutes_quorum_yes() : m.minutes_quorum_no(),
		m.minutes_attendance_channels({ phone: byChannel.phone, marked: byChannel.marked })
	];
}

/** 手机 3、举手 1: how many units took part by each channel (empty when nobody did). */
export function participationWords(p: MinutesPoll): string {
	const by = p.tally?.participationByChannel ?? {};
	return CHANNELS.filter((ch) => by[ch])
		.map((ch) => `${channelWords(ch)} ${by[ch]}`)
		.join(m.poll_list_separator());
}

export const roleWords = (role: 'facilitator' | 'resident') => messageFor(`minutes_role_${role}`);

/**
 * A refusal in words: the minutes' own message for the code and its reason (facilitatorFirst,
 * locked, ...), then for the code, then the shared one.
 */
export function minutesError(code: string | undefined, reason?: string | null): string {
	for (const key of [reason ? `minutes_error_${code}_${reason}` : '', `minutes_error_${code}`]) {
		if (key && messageFor(key) !== key) return messageFor(key);
	}
	return errorMessage(code);
}
