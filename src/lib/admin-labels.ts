/** Words for the admin pages' finite values (roles, scopes, form fields, import problems, audit acts). */
import type { Message } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type { AuditAction } from '$lib/server/db/schema-audit';
import type { ScopeType, StaffRole } from '$lib/server/db/schema';

export const ROLE = {
	admin: m.role_admin,
	facilitator: m.role_facilitator,
	committee: m.role_committee,
	buildingHead: m.role_buildingHead,
	infoOfficer: m.role_infoOfficer,
	groupHead: m.role_groupHead,
	departmentLiaison: m.role_departmentLiaison,
	resident: m.role_resident
} satisfies Record<StaffRole | 'resident', Message>;

/** What each role does, on the home page. */
export const HOME_CARD = {
	admin: m.home_admin_card,
	facilitator: m.home_facilitator_card,
	committee: m.home_committee_card,
	buildingHead: m.home_buildingHead_card,
	infoOfficer: m.home_infoOfficer_card,
	groupHead: m.home_groupHead_card,
	departmentLiaison: m.home_departmentLiaison_card
} satisfies Record<StaffRole, Message>;

export const ADMIN_SCOPE = {
	community: m.admin_scope_community,
	estate: m.admin_scope_estate,
	grid: m.admin_scope_grid,
	building: m.admin_scope_building,
	householdGroup: m.admin_scope_householdGroup,
	department: m.admin_scope_department
} satisfies Record<ScopeType, Message>;

/** Form fields the roster pages may name in an INVALID_INPUT. */
export const ADMIN_FIELD = {
	adult: m.admin_field_adult,
	amount: m.admin_field_amount,
	birthYear: m.admin_field_birthYear,
	buildingId: m.admin_field_buildingId,
	departmentId: m.admin_field_departmentId,
	displayName: m.admin_field_displayName,
	entryId: m.admin_field_entryId,
	estateId: m.admin_field_estateId,
	file: m.admin_field_file,
	floorArea: m.admin_field_floorArea,
	goods: m.admin_field_goods,
	gridId: m.admin_field_gridId,
	headResidentId: m.admin_field_headResidentId,
	householdGroupId: m.admin_field_householdGroupId,
	householdId: m.admin_field_householdId,
	householdRepresentative: m.admin_field_householdRepresentative,
	kind: m.admin_field_kind,
	label: m.admin_field_label,
	name: m.admin_field_name,
	note: m.admin_field_note,
	ownerKey: m.admin_field_ownerKey,
	parentGridId: m.admin_field_parentGridId,
	password: m.admin_field_password,
	phone: m.admin_field_phone,
	points: m.admin_field_points,
	residentId: m.admin_field_residentId,
	role: m.admin_field_role,
	roleAssignmentId: m.admin_field_roleAssignmentId,
	ruleId: m.admin_field_ruleId,
	scope: m.admin_field_scope,
	threshold: m.admin_field_threshold,
	unit: m.admin_field_unit,
	unsold: m.admin_field_unsold,
	userId: m.admin_field_userId,
	username: m.admin_field_username,
	villagerRepresentative: m.admin_field_villagerRepresentative,
	yearlyCap: m.admin_field_yearlyCap
} satisfies Record<string, Message>;

export const ADMIN_DONE = {
	created: m.admin_done_created,
	deleted: m.admin_done_deleted,
	saved: m.admin_done_saved
} satisfies Record<string, Message>;

export const ADMIN_REASON = {
	LAST_ADMIN: m.admin_reason_LAST_ADMIN
} satisfies Record<string, Message>;

export const IMPORT_FIELD = {
	birthYear: m.admin_import_field_birthYear,
	building: m.admin_import_field_building,
	estate: m.admin_import_field_estate,
	floorArea: m.admin_import_field_floorArea,
	grid: m.admin_import_field_grid,
	group: m.admin_import_field_group,
	householdRepresentative: m.admin_import_field_householdRepresentative,
	name: m.admin_import_field_name,
	ownerKey: m.admin_import_field_ownerKey,
	phone: m.admin_import_field_phone,
	unit: m.admin_import_field_unit,
	villagerRepresentative: m.admin_import_field_villagerRepresentative
} satisfies Record<string, Message>;

export const IMPORT_CODE = {
	BAD_AREA: m.admin_import_code_BAD_AREA,
	BAD_BIRTH_YEAR: m.admin_import_code_BAD_BIRTH_YEAR,
	BAD_FLAG: m.admin_import_code_BAD_FLAG,
	BAD_PHONE: m.admin_import_code_BAD_PHONE,
	DUPLICATE_HEADER: m.admin_import_code_DUPLICATE_HEADER,
	DUPLICATE_ROW: m.admin_import_code_DUPLICATE_ROW,
	EMPTY_FILE: m.admin_import_code_EMPTY_FILE,
	EXTRA_COLUMNS: m.admin_import_code_EXTRA_COLUMNS,
	MALFORMED_CSV: m.admin_import_code_MALFORMED_CSV,
	MISSING_FIELD: m.admin_import_code_MISSING_FIELD,
	MISSING_HEADER: m.admin_import_code_MISSING_HEADER,
	UNKNOWN_HEADER: m.admin_import_code_UNKNOWN_HEADER
} satisfies Record<string, Message>;

export const AUDIT_ACTION = {
	'poll.open': m.audit_action_poll_open,
	'poll.close': m.audit_action_poll_close,
	'poll.withdraw': m.audit_action_poll_withdraw,
	'handCount.record': m.audit_action_handCount_record,
	'ballot.assist': m.audit_action_ballot_assist,
	'ballot.hand': m.audit_action_ballot_hand,
	'ballot.proxy': m.audit_action_ballot_proxy,
	'ballot.replace': m.audit_action_ballot_replace,
	'proxy.record': m.audit_action_proxy_record,
	'proxy.designate': m.audit_action_proxy_designate,
	'proxy.revoke': m.audit_action_proxy_revoke,
	'role.grant': m.audit_action_role_grant,
	'role.revoke': m.audit_action_role_revoke,
	'account.delete': m.audit_action_account_delete,
	'minutes.sign': m.audit_action_minutes_sign,
	'meeting.reschedule': m.audit_action_meeting_reschedule,
	'document.refuse': m.audit_action_document_refuse
} satisfies Record<AuditAction, Message>;

export const AUDIT_SUBJECT = {
	meeting: m.audit_subject_meeting,
	minutes: m.audit_subject_minutes,
	poll: m.audit_subject_poll,
	roleAssignment: m.audit_subject_roleAssignment,
	user: m.audit_subject_user
} satisfies Record<string, Message>;
