/**
 * Words for meeting minutes (会议纪要), shared by the minutes page and the Markdown download, so both
 * say the same thing in the reader's language. The minutes themselves hold only codes and numbers.
 */
import { errorMessage, maybeLabel, type Message } from '$lib/i18n';
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

const ROLE = {
	facilitator: m.minutes_role_facilitator,
	resident: m.minutes_role_resident
} satisfies Record<'facilitator' | 'resident', Message>;

export const roleWords = (role: 'facilitator' | 'resident') => ROLE[role]();

/** A signer's name, or (in the public copy, which names no resident) the place they signed in. */
export const signerName = (s: MinutesContent['signatures'][number]) => s.name ?? m.minutes_name_withheld();

/** 1 分 05 秒: how long someone spoke, in the reader's language. */
function duration(ms: number): string {
	const total = Math.round(ms / 1000);
	return m.minutes_duration({
		minutes: Math.floor(total / 60),
		seconds: String(total % 60).padStart(2, '0')
	});
}

/**
 * One line of the speakers' list: the name (or 第 n 位发言人 in the public copy), how long they spoke
 * and the limit of their turn, when the minutes kept them.
 */
export function speakerLine(s: MinutesContent['speakers'][number], n: number): string {
	const who = s.name ?? m.minutes_speaker_withheld({ n });
	const spoke = s.spokeMs != null ? duration(s.spokeMs) : null;
	const limit = s.limitSeconds
		? m.minutes_speech_limit({ minutes: +(s.limitSeconds / 60).toFixed(1) })
		: null;
	const details = [spoke && m.minutes_speech_spoke({ time: spoke }), limit].filter(Boolean);
	return details.length ? who + m.punct_aside({ text: details.join(m.poll_list_separator()) }) : who;
}

/** The minutes' own refusals, by code or by code_reason. */
const MINUTES_ERROR = {
	ALREADY_SIGNED_facilitatorSigned: m.minutes_error_ALREADY_SIGNED_facilitatorSigned,
	INVALID_INPUT: m.minutes_error_INVALID_INPUT,
	MEETING_STATE: m.minutes_error_MEETING_STATE,
	MINUTES_STATE_facilitatorFirst: m.minutes_error_MINUTES_STATE_facilitatorFirst,
	MINUTES_STATE_locked: m.minutes_error_MINUTES_STATE_locked,
	NOT_PRESENT: m.minutes_error_NOT_PRESENT
} satisfies Record<string, Message>;

/**
 * A refusal in words: the minutes' own message for the code and its reason (facilitatorFirst,
 * locked, ...), then for the code, then the shared one.
 */
export function minutesError(code: string | undefined, reason?: string | null): string {
	return (
		(reason ? maybeLabel(MINUTES_ERROR, `${code}_${reason}`) : undefined) ??
		maybeLabel(MINUTES_ERROR, code) ??
		errorMessage(code)
	);
}
