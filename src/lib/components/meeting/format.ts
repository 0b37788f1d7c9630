/** Small pure helpers the meeting screens share. */
import { errorMessage, maybeLabel } from '$lib/i18n';
import type { ErrorCode } from '$lib/error-codes';
import type { Message } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type { MeetingState, Speaker } from '$lib/realtime/meeting';

/** mm:ss (minutes may pass 59: a 90-minute item reads 90:00). */
export function mmss(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const mm = Math.floor(total / 60);
	const ss = total % 60;
	return `${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

/** Elapsed time of the item timer as this screen should show it now. */
export function timerElapsed(timer: MeetingState['timer'], receivedAt: number, now: number): number {
	return timer.elapsedMs + (timer.running ? Math.max(0, now - receivedAt) : 0);
}

/**
 * Words for an error code: meeting-specific codes first (messages/meetings), then the shared ones.
 * OFFLINE and TIMEOUT are the screen's own (nothing was sent, or no answer came).
 */
export function meetingError(code: string): string {
	return maybeLabel(MEETING_ERROR, code) ?? errorMessage(code);
}

const MEETING_ERROR = {
	MEETING_STATE: m.meeting_error_MEETING_STATE,
	NOT_ELIGIBLE: m.meeting_error_NOT_ELIGIBLE,
	NO_CURRENT_ITEM: m.meeting_error_NO_CURRENT_ITEM,
	OFFLINE: m.meeting_error_OFFLINE,
	TIMEOUT: m.meeting_error_TIMEOUT
} satisfies Partial<Record<ErrorCode | 'OFFLINE' | 'TIMEOUT', Message>>;

/** How many hands are ahead of this resident (whoever is speaking already has the floor); null if not in it. */
export function queueAhead(speakers: Speaker[], residentId: number | null): number | null {
	if (residentId === null) return null;
	const mine = speakers.find((s) => s.residentId === residentId);
	if (!mine) return null;
	if (mine.status === 'speaking') return 0;
	return speakers.filter((s) => s.status === 'waiting' && s.id < mine.id).length;
}

export function attendanceLine(state: MeetingState): string {
	const { present, eligible } = state.attendance;
	return state.meeting.votingUnit === 'household'
		? m.meeting_attendance_households({ present, eligible })
		: m.meeting_attendance_residents({ present, eligible });
}

export function formatStart(ms: number, locale: string): string {
	return new Date(ms).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-GB', {
		timeZone: 'Asia/Shanghai',
		month: 'long',
		day: 'numeric',
		weekday: 'short',
		hour: '2-digit',
		minute: '2-digit'
	});
}
