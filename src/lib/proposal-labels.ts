/** Words for proposals' finite values (statuses, categories, form fields). */
import type { Message } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type { ProposalStatus } from '$lib/server/db/schema';
import type { ProposalCategory } from '$lib/server/domain/proposals';

export const PROPOSAL_STATUS = {
	open: m.proposals_status_open,
	onAgenda: m.proposals_status_onAgenda,
	resolved: m.proposals_status_resolved,
	declined: m.proposals_status_declined,
	merged: m.proposals_status_merged
} satisfies Record<ProposalStatus, Message>;

export const PROPOSAL_CATEGORY = {
	facilities: m.proposals_category_facilities,
	neighbours: m.proposals_category_neighbours,
	other: m.proposals_category_other,
	parking: m.proposals_category_parking,
	safety: m.proposals_category_safety,
	sanitation: m.proposals_category_sanitation
} satisfies Record<ProposalCategory, Message>;

export const PROPOSAL_DONE = {
	agenda: m.proposals_agenda_done,
	declined: m.proposals_declined_done,
	merged: m.proposals_merged_done
} satisfies Record<string, Message>;

export const PROPOSAL_FIELD = {
	about: m.proposals_field_about,
	category: m.proposals_field_category,
	description: m.proposals_field_description,
	forResidentId: m.proposals_field_forResidentId,
	intoId: m.proposals_field_intoId,
	meetingId: m.proposals_field_meetingId,
	reason: m.proposals_field_reason,
	title: m.proposals_field_title
} satisfies Record<string, Message>;

/** The new-meeting form shares FormError with proposals. */
export const MEETING_FIELD = {
	body: m.meetings_field_body,
	isPublic: m.meetings_field_isPublic,
	place: m.meetings_field_place,
	scope: m.meetings_field_scope,
	startsAt: m.meetings_field_startsAt,
	title: m.meetings_field_title,
	votingUnit: m.meetings_field_votingUnit
} satisfies Record<string, Message>;
