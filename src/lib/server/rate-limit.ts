/**
 * Rate limits, all behind one small interface so the counters can move to a shared store when the app
 * runs as several nodes (one node serves a county today): every limiter is a rate-limiter-flexible limiter, in memory today;
 * RateLimiterRedis or RateLimiterPostgres take the same options and the same calls.
 *
 * Two ways to count:
 * - `enforce`: every attempt counts (filing proposals, the no-JavaScript ballot form);
 * - `limitFailures`: only failures count, and each attempt reserves its point *before* it is evaluated,
 *   so requests arriving together cannot all slip past a check made before any of them failed.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from './domain/errors';

export interface Limiter {
	/** Takes one point for `key`; resolves to 0 when allowed, else the milliseconds until the window ends. */
	take(key: string): Promise<number>;
	/** Returns one point taken for an attempt that turned out not to count. */
	giveBack(key: string): Promise<void>;
}

/** A fixed window of `points` per `windowSeconds` per key, kept in this process. */
export function memoryLimiter(name: string, points: number, windowSeconds: number): Limiter {
	const store = new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds });
	return {
		async take(key) {
			try {
				await store.consume(key);
				return 0;
			} catch (e) {
				if (e instanceof RateLimiterRes) return Math.max(1, e.msBeforeNext);
				throw e;
			}
		},
		async giveBack(key) {
			await store.reward(key);
		}
	};
}

function refuse(waitMs: number): never {
	throw new DomainError('RATE_LIMITED', { minutes: Math.ceil(waitMs / 60_000) });
}

/** Counts one attempt and refuses it (RATE_LIMITED, with the minutes to wait) beyond the limit. */
export async function enforce(limiter: Limiter, key: string): Promise<void> {
	const wait = await limiter.take(key);
	if (wait > 0) refuse(wait);
}

/**
 * Runs `attempt` only if a point can be reserved for `key`, and gives the point back when the attempt
 * succeeds (or fails in a way `counts` says is not a failure of the guarded kind): only failures use
 * up the limit. The reservation is taken before the attempt starts, so at most `points` attempts per
 * window are ever evaluated, however many arrive at once.
 */
export async function limitFailures<T>(
	limiter: Limiter,
	key: string,
	attempt: () => T | Promise<T>,
	counts: (e: unknown) => boolean = () => true
): Promise<T> {
	await enforce(limiter, key);
	let result: T;
	try {
		result = await attempt();
	} catch (e) {
		if (!counts(e)) await limiter.giveBack(key);
		throw e;
	}
	await limiter.giveBack(key);
	return result;
}

/** Only a wrong check-in code counts against `checkInLimiter` (not a meeting that is closed, say). */
export const isWrongCode = (e: unknown) => e instanceof DomainError && e.code === 'WRONG_CODE';

/**
 * Five wrong passwords per account and client address per 15 minutes. A right password gives its own
 * point back but does not wipe the failures before it: a success in the middle of a guessing run must
 * not buy the guesser a fresh window.
 */
export const loginLimiter = memoryLimiter('login', 5, 15 * 60);
/**
 * Failed invitation redemptions: 60 per client address per 10 minutes. Successful ones are not counted:
 * a courtyard full of phones on one Wi-Fi (or one carrier NAT) is one address, and every resident there
 * may redeem their own card. The tokens are unguessable, so failures are only ever a flood or old cards.
 */
export const invitationLimiter = memoryLimiter('invitation', 60, 10 * 60);
/**
 * Wrong check-in codes: 10 per account per 10 minutes. The rotating code has six digits, so guessing it
 * from home would take hundreds of thousands of tries; ten is plenty for a resident who mistypes.
 */
export const checkInLimiter = memoryLimiter('checkIn', 10, 10 * 60);

/**
 * A check-in by code, however it arrives (QR link, socket, no-JS form): a wrong code counts against
 * the account's `checkInLimiter`. Without an account the check-in itself refuses, so nothing counts.
 */
export function limitWrongCheckInCodes<T>(
	actor: { userId: number } | null,
	checkIn: () => T | Promise<T>
): Promise<T> {
	return actor
		? limitFailures(checkInLimiter, String(actor.userId), checkIn, isWrongCode)
		: Promise.resolve().then(checkIn);
}

/**
 * Filing proposals: 20 an hour per account. An information officer filing for neighbours without
 * phones stays well under it; a script filling the board does not.
 */
export const proposalLimiter = memoryLimiter('proposal', 20, 60 * 60);
/** The no-JavaScript ballot form: 30 posts a minute per account (the socket path has its own bucket). */
export const formBallotLimiter = memoryLimiter('formBallot', 30, 60);
