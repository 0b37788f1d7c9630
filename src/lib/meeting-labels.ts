/** Words for meetings' finite values (bodies, statuses, proxy relations), as static maps so unused messages tree-shake. */
import type { Message } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type { Body, CLOSE_RELATIVES } from '$lib/server/domain/bodies';
import type { MeetingStatus } from '$lib/realtime/meeting';
import type { PresetId } from '$lib/presets';

export const PROXY_RELATION = {
	spouse: m.proxy_relation_spouse,
	parent: m.proxy_relation_parent,
	child: m.proxy_relation_child,
	sibling: m.proxy_relation_sibling,
	grandparent: m.proxy_relation_grandparent,
	grandchild: m.proxy_relation_grandchild
} satisfies Record<(typeof CLOSE_RELATIVES)[number], Message>;

export const PROXY_DONE = {
	proxyRecorded: m.proxy_done_proxyRecorded,
	proxyWithdrawn: m.proxy_done_proxyWithdrawn
} satisfies Record<string, Message>;

export const MEETING_BODY = {
	buildingCouncil: m.meetings_body_buildingCouncil,
	ownersAssembly: m.meetings_body_ownersAssembly,
	residentAssembly: m.meetings_body_residentAssembly,
	villageElection: m.meetings_body_villageElection,
	villagerAssembly: m.meetings_body_villagerAssembly,
	villagerGroup: m.meetings_body_villagerGroup,
	villagerRepresentatives: m.meetings_body_villagerRepresentatives
} satisfies Record<Body, Message>;

/** 草稿 / 进行中 / 已结束 in the meetings list and detail. */
export const MEETINGS_STATUS = {
	draft: m.meetings_status_draft,
	live: m.meetings_status_live,
	closed: m.meetings_status_closed
} satisfies Record<MeetingStatus, Message>;

/** The same statuses on the live console. */
export const MEETING_STATUS = {
	draft: m.meeting_status_draft,
	live: m.meeting_status_live,
	closed: m.meeting_status_closed
} satisfies Record<MeetingStatus, Message>;

export const MEETINGS_UNIT = {
	household: m.meetings_unit_household,
	resident: m.meetings_unit_resident
} satisfies Record<string, Message>;

/** The legal presets a poll is opened under (src/lib/presets.ts), by name. */
export const POLL_PRESET = {
	villagerAssembly: m.poll_preset_villagerAssembly,
	villagerGroup: m.poll_preset_villagerGroup,
	residentAssembly: m.poll_preset_residentAssembly,
	villagerRepresentatives: m.poll_preset_villagerRepresentatives,
	ownersOrdinary: m.poll_preset_ownersOrdinary,
	ownersSpecial: m.poll_preset_ownersSpecial,
	villageElection: m.poll_preset_villageElection
} satisfies Record<PresetId, Message>;
