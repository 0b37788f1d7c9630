/** Words for follow-ups (督办) and dispatches (派单): statuses, grades, events. */
import type { Message } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type { DispatchStatus, FollowUpStatus } from '$lib/server/db/schema-followup';

export const FOLLOW_UP_STATUS = {
	notStarted: m.fu_status_notStarted,
	inProgress: m.fu_status_inProgress,
	done: m.fu_status_done,
	reopened: m.fu_status_reopened,
	closed: m.fu_status_closed,
	overdue: m.fu_status_overdue
} satisfies Record<FollowUpStatus | 'overdue', Message>;

export const GRADE = {
	satisfied: m.fu_grade_satisfied,
	basic: m.fu_grade_basic,
	unsatisfied: m.fu_grade_unsatisfied
} satisfies Record<'satisfied' | 'basic' | 'unsatisfied', Message>;

export const DISPATCH_STATUS = {
	sent: m.dp_status_sent,
	accepted: m.dp_status_accepted,
	infoRequested: m.dp_status_infoRequested,
	handled: m.dp_status_handled
} satisfies Record<DispatchStatus, Message>;

export const DISPATCH_EVENT = {
	accepted: m.dp_event_accepted,
	handled: m.dp_event_handled,
	info: m.dp_event_info,
	infoRequested: m.dp_event_infoRequested,
	reply: m.dp_event_reply,
	sent: m.dp_event_sent
} satisfies Record<string, Message>;
