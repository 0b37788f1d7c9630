/**
 * An audit entry's details in words, with names instead of ids (src/lib/server/domain/audit.ts keeps
 * ids and resolves the names). Each known key has its own words; an unknown one is shown as it is,
 * so a new kind of detail is never hidden.
 */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { AuditNames } from '$lib/server/domain/audit';
import { POLL_PRESET, PROXY_RELATION } from '$lib/meeting-labels';
import { ADMIN_SCOPE, ROLE } from '$lib/admin-labels';

type Locale = 'zh' | 'en';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Words = (inputs: any, options?: { locale?: Locale }) => string;
type Entry = { detail: Record<string, unknown>; names: AuditNames };

const CHANNEL: Record<string, Words> = {
	phone: m.poll_channel_phone,
	form: m.poll_channel_form,
	hand: m.poll_channel_hand,
	assisted: m.poll_channel_assisted,
	proxy: m.poll_channel_proxy
};
const OUTCOME: Record<string, Words> = {
	passed: m.poll_outcome_passed,
	notPassed: m.poll_outcome_notPassed,
	noQuorum: m.poll_outcome_noQuorum,
	withdrawn: m.poll_outcome_withdrawn
};
const CHOICE: Record<string, Words> = {
	yes: m.poll_option_yes,
	no: m.poll_option_no,
	abstain: m.poll_option_abstain
};
const PRESET: Record<string, Words> = POLL_PRESET;
const REFUSAL: Record<string, Words> = {
	DOCUMENT_BUDGET: m.audit_d_reason_DOCUMENT_BUDGET,
	WRITER_BUDGET: m.audit_d_reason_WRITER_BUDGET
};
/** Keys shown through another key's words, or not at all (internal keys with nothing to add). */
const SILENT = new Set([
	'unit',
	'roleAssignmentId',
	'scopeType',
	'scopeId',
	'bytes',
	'budget',
	'fromPlace',
	'toStartsAt',
	'toPlace'
]);

/** The words for `key` in `map`, in `locale`, or the key itself. */
const say = (map: Record<string, Words>, key: unknown, locale: Locale) =>
	typeof key === 'string' && Object.prototype.hasOwnProperty.call(map, key)
		? map[key]({}, { locale })
		: String(key);

/** The details of one entry as short phrases (the page joins them with " · "). */
export function auditDetailWords(e: Entry, locale: Locale = getLocale()): string[] {
	const o = { locale };
	const { detail: d, names } = e;
	const resident = (id: unknown) => {
		const r = typeof id === 'number' ? names.residents[id] : undefined;
		return r ? m.audit_d_person({ name: r.name, unit: r.unit }, o) : m.audit_d_number({ id: String(id) }, o);
	};
	const account = (id: unknown) =>
		(typeof id === 'number' && names.users[id]) || m.audit_d_number({ id: String(id) }, o);
	const place = (x: { scopeType?: unknown; scopeId?: unknown }) => {
		const type = say(ADMIN_SCOPE as Record<string, Words>, x.scopeType, locale);
		const name = names.places[`${x.scopeType}:${x.scopeId}`];
		return name ? `${type} ${name}` : type;
	};
	const role = (r: unknown) => say(ROLE as Record<string, Words>, r, locale);
	const list = (items: string[]) => items.join(locale === 'zh' ? '、' : ', ');
	const time = (ms: number) =>
		new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', {
			timeZone: 'Asia/Shanghai',
			timeStyle: 'short'
		}).format(ms);
	const dateTime = (ms: number) =>
		new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', {
			timeZone: 'Asia/Shanghai',
			dateStyle: 'medium',
			timeStyle: 'short'
		}).format(ms);

	const out: string[] = [];
	for (const [key, v] of Object.entries(d)) {
		if (v === null || v === undefined || SILENT.has(key)) continue;
		switch (key) {
			case 'voterResidentId':
				out.push(m.audit_d_voter({ name: resident(v) }, o));
				break;
			case 'grantorResidentId':
				out.push(m.audit_d_grantor({ name: resident(v) }, o));
				break;
			case 'proxyResidentId':
				out.push(m.audit_d_proxy({ name: resident(v) }, o));
				break;
			case 'channel':
				out.push(m.audit_d_channel({ channel: say(CHANNEL, v, locale) }, o));
				break;
			case 'replaced': {
				const r = v as { channel?: unknown; recordedByUserId?: unknown };
				const channel = say(CHANNEL, r.channel, locale);
				out.push(
					r.recordedByUserId == null
						? m.audit_d_replaced_own({ channel }, o)
						: m.audit_d_replaced({ who: account(r.recordedByUserId), channel }, o)
				);
				break;
			}
			case 'counts': {
				const counts = Object.entries(v as Record<string, unknown>).map(
					([choice, n]) => `${say(CHOICE, choice, locale)} ${n}`
				);
				out.push(m.audit_d_counts({ counts: list(counts) }, o));
				break;
			}
			case 'meetingId':
				out.push(m.audit_d_meeting({ name: names.meetings[v as number] ?? `#${v}` }, o));
				break;
			case 'question':
				out.push(m.audit_d_question({ question: String(v) }, o));
				break;
			case 'preset':
				out.push(m.audit_d_preset({ preset: say(PRESET, v, locale) }, o));
				break;
			case 'closesAt':
				out.push(m.audit_d_closes({ time: time(Number(v)) }, o));
				break;
			case 'resolutionId':
				out.push(m.audit_d_resolution({ id: String(v) }, o));
				break;
			case 'outcome':
				out.push(m.audit_d_outcome({ outcome: say(OUTCOME, v, locale) }, o));
				break;
			case 'byTimer':
				if (v === true) out.push(m.audit_d_by_timer({}, o));
				break;
			case 'relation':
				out.push(
					m.audit_d_relation({ relation: say(PROXY_RELATION as Record<string, Words>, v, locale) }, o)
				);
				break;
			case 'role':
				out.push(
					'scopeType' in d
						? m.audit_d_role_in({ role: role(v), place: place(d) }, o)
						: m.audit_d_signer({ role: role(v) }, o)
				);
				break;
			case 'roles': {
				const held = (v as { role?: unknown; scopeType?: unknown; scopeId?: unknown }[]).map((r) =>
					m.audit_d_role_place({ role: role(r.role), place: place(r) }, o)
				);
				out.push(m.audit_d_roles({ roles: held.length ? list(held) : '—' }, o));
				break;
			}
			case 'username':
				out.push(m.audit_d_username({ name: String(v) }, o));
				break;
			case 'docName':
				out.push(m.audit_d_document({ name: String(v) }, o));
				break;
			case 'reason':
				out.push(
					m.audit_d_refused(
						{ reason: say(REFUSAL, v, locale), bytes: String(d.bytes), budget: String(d.budget) },
						o
					)
				);
				break;
			case 'version':
				out.push(m.audit_d_notice_version({ version: String(v) }, o));
				break;
			case 'fromStartsAt':
				out.push(
					m.audit_d_moved(
						{
							fromWhen: dateTime(Number(v)),
							fromPlace: String(d.fromPlace),
							toWhen: dateTime(Number(d.toStartsAt)),
							toPlace: String(d.toPlace)
						},
						o
					)
				);
				break;
			default:
				out.push(m.audit_d_other({ key, value: typeof v === 'object' ? JSON.stringify(v) : String(v) }, o));
		}
	}
	return out;
}
