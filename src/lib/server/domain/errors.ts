/**
 * Errors the domain throws on purpose. The code is stable; the UI maps it to a message in the
 * user's language (messages/*.json, key `error_<CODE>`), so no user-facing text lives here.
 */
import { ERROR_CODES, type ErrorCode } from '$lib/error-codes';

export { ERROR_CODES, type ErrorCode };

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
