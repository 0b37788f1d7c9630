/** Maps a domain error code to a message in the current language. */
import type { ErrorCode } from '$lib/error-codes';
import { m } from '$lib/paraglide/messages';

type Params = Record<string, string | number>;
/** A compiled Paraglide message (static references only, so unused messages tree-shake away). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = (inputs?: any) => string;

/** Codes without their own words fall back to the generic error. */
const ERROR_MESSAGE: Record<ErrorCode | 'INTERNAL', Message> = {
	UNAUTHENTICATED: m.error_UNAUTHENTICATED,
	FORBIDDEN: m.error_FORBIDDEN,
	NOT_FOUND: m.error_NOT_FOUND,
	INVALID_INPUT: m.error_INVALID_INPUT,
	DUPLICATE: m.error_DUPLICATE,
	RATE_LIMITED: m.error_RATE_LIMITED,
	INVITATION_INVALID: m.error_INTERNAL,
	INVITATION_EXPIRED: m.error_INTERNAL,
	INVITATION_USED: m.error_INTERNAL,
	INVITATION_REVOKED: m.error_INTERNAL,
	LOGIN_FAILED: m.error_LOGIN_FAILED,
	IMPORT_INVALID: m.error_IMPORT_INVALID,
	IN_USE: m.error_IN_USE,
	MEETING_STATE: m.error_MEETING_STATE,
	NO_CURRENT_ITEM: m.error_NO_CURRENT_ITEM,
	NOT_ELIGIBLE: m.error_NOT_ELIGIBLE,
	ALREADY_SECONDED: m.error_ALREADY_SECONDED,
	PROPOSAL_STATE: m.error_PROPOSAL_STATE,
	WRONG_CODE: m.error_WRONG_CODE,
	POLL_STATE: m.error_INTERNAL,
	POLL_CLOSED: m.error_INTERNAL,
	POLL_HAS_BALLOTS: m.error_POLL_HAS_BALLOTS,
	NOT_PRESENT: m.error_INTERNAL,
	PROXY_NOT_DESIGNATED: m.error_INTERNAL,
	ALREADY_VOTED: m.error_INTERNAL,
	VOTED_IN_PERSON: m.error_VOTED_IN_PERSON,
	INVALID_CHOICE: m.error_INTERNAL,
	HAND_COUNT_BOUND: m.error_INTERNAL,
	RECEIPT_TAKEN: m.error_INTERNAL,
	ROLL_MISSING: m.error_ROLL_MISSING,
	PROXY_NOT_ALLOWED: m.error_PROXY_NOT_ALLOWED,
	PRESET_MATTER: m.error_PRESET_MATTER,
	HAND_COUNT_NAMED: m.error_HAND_COUNT_NAMED,
	CLAUSE_GONE: m.error_CLAUSE_GONE,
	SUGGESTION_DECIDED: m.error_SUGGESTION_DECIDED,
	ADOPTION_FAILED: m.error_ADOPTION_FAILED,
	PROXY_LIMIT: m.error_PROXY_LIMIT,
	NOT_OWNER: m.error_NOT_OWNER,
	FOLLOW_UP_STATE: m.error_FOLLOW_UP_STATE,
	ALREADY_RATED: m.error_ALREADY_RATED,
	RATING_CLOSED: m.error_RATING_CLOSED,
	UPLOAD_INVALID: m.error_UPLOAD_INVALID,
	DISPATCH_STATE: m.error_DISPATCH_STATE,
	ALREADY_SIGNED: m.error_ALREADY_SIGNED,
	MINUTES_STATE: m.error_MINUTES_STATE,
	POINTS_REASON_UNLISTED: m.error_POINTS_REASON_UNLISTED,
	POINTS_INSUFFICIENT: m.error_POINTS_INSUFFICIENT,
	POINTS_CAP_REACHED: m.error_POINTS_CAP_REACHED,
	POINTS_ALREADY_REVERSED: m.error_POINTS_ALREADY_REVERSED,
	ALREADY_ON_AGENDA: m.error_ALREADY_ON_AGENDA,
	INTERNAL: m.error_INTERNAL
};

const has = <K extends string>(map: Record<K, unknown>, key: string | undefined): key is K =>
	key !== undefined && Object.prototype.hasOwnProperty.call(map, key);

export function errorMessage(code: string | undefined, params: Params = {}): string {
	const fn = has(ERROR_MESSAGE, code) ? ERROR_MESSAGE[code] : ERROR_MESSAGE.INTERNAL;
	return fn({ minutes: 1, ...params });
}

/** The message for `key` in a static map, or the key itself when the map has none (an unknown value). */
export function label<K extends string>(map: Record<K, Message>, key: string, params: Params = {}): string {
	return has(map, key) ? map[key](params) : key;
}

/** The message for `key` in a static map, or undefined. */
export function maybeLabel<K extends string>(
	map: Partial<Record<K, Message>>,
	key: string | undefined,
	params: Params = {}
): string | undefined {
	return has(map as Record<K, unknown>, key) ? map[key]?.(params) : undefined;
}
