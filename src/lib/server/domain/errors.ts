/**
 * Errors the domain throws on purpose. The code is stable; the UI maps it to a message in the
 * user's language (messages/*.json, key `error_<CODE>`), so no user-facing text lives here.
 */
export const ERROR_CODES = [
	'UNAUTHENTICATED',
	'FORBIDDEN',
	'NOT_FOUND',
	'INVALID_INPUT',
	'DUPLICATE',
	'RATE_LIMITED',
	'INVITATION_INVALID',
	'INVITATION_EXPIRED',
	'INVITATION_USED',
	'INVITATION_REVOKED',
	'LOGIN_FAILED',
	'IMPORT_INVALID',
	'IN_USE',
	'MEETING_STATE',
	'NO_CURRENT_ITEM',
	'NOT_ELIGIBLE',
	'ALREADY_SECONDED',
	'PROPOSAL_STATE',
	'WRONG_CODE',
	'POLL_STATE',
	'POLL_CLOSED',
	'NOT_PRESENT',
	'PROXY_NOT_DESIGNATED',
	'ALREADY_VOTED',
	'INVALID_CHOICE',
	'HAND_COUNT_BOUND',
	'RECEIPT_TAKEN',
	'ROLL_MISSING',
	'PROXY_NOT_ALLOWED',
	'PRESET_MATTER',
	'HAND_COUNT_NAMED',
	'CLAUSE_GONE',
	'SUGGESTION_DECIDED',
	'ADOPTION_FAILED',
	'PROXY_LIMIT',
	'NOT_OWNER',
	'FOLLOW_UP_STATE',
	'ALREADY_RATED',
	'RATING_CLOSED',
	'UPLOAD_INVALID',
	'DISPATCH_STATE',
	'ALREADY_SIGNED',
	'MINUTES_STATE',
	'POINTS_REASON_UNLISTED',
	'POINTS_INSUFFICIENT',
	'POINTS_CAP_REACHED',
	'POINTS_ALREADY_REVERSED'
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
	constructor(
		readonly code: ErrorCode,
		readonly details?: Record<string, unknown>
	) {
		super(code);
		this.name = 'DomainError';
	}
}

export function isDomainError(e: unknown): e is DomainError {
	return e instanceof DomainError;
}
