/**
 * The one table from a domain error code to the HTTP status a form action or page answers with.
 * Codes not listed are a request the domain refused (400). Socket acks carry the code itself.
 */
import type { ErrorCode } from '$lib/error-codes';

const STATUS: Partial<Record<ErrorCode, number>> = {
	UNAUTHENTICATED: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	RATE_LIMITED: 429
};

export function httpStatus(code: ErrorCode): number {
	return STATUS[code] ?? 400;
}
