import { DomainError } from './domain/errors';

/**
 * Fixed-window counters with a growing wait after repeated failures.
 * In memory: one node serves a county (DESIGN.md); behind several nodes this moves to Redis.
 */
export class RateLimiter {
	private hits = new Map<string, { count: number; resetAt: number }>();

	constructor(
		private readonly max: number,
		private readonly windowMs: number
	) {}

	/** Counts one attempt; returns the milliseconds to wait if over the limit, else 0. */
	consume(key: string, now = Date.now()): number {
		const entry = this.hits.get(key);
		if (!entry || entry.resetAt <= now) {
			this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
			this.sweep(now);
			return 0;
		}
		entry.count++;
		return entry.count > this.max ? entry.resetAt - now : 0;
	}

	/** Peeks without counting. */
	waitFor(key: string, now = Date.now()): number {
		const entry = this.hits.get(key);
		return entry && entry.resetAt > now && entry.count >= this.max ? entry.resetAt - now : 0;
	}

	reset(key: string) {
		this.hits.delete(key);
	}

	private sweep(now: number) {
		if (this.hits.size < 10_000) return;
		for (const [key, entry] of this.hits) if (entry.resetAt <= now) this.hits.delete(key);
	}
}

/** Five wrong passwords per account and client per 15 minutes, then wait. */
export const loginLimiter = new RateLimiter(5, 15 * 60 * 1000);
/**
 * Invitation redemption: 300 tries per client address per 10 minutes. A courtyard full of phones on
 * one Wi-Fi (or one carrier NAT) is one address, so the limit must fit a whole meeting scanning its
 * cards at once; the tokens are unguessable anyway, so this only slows a flood.
 */
export const invitationLimiter = new RateLimiter(300, 10 * 60 * 1000);

/**
 * Filing proposals: 20 an hour per account. An information officer filing for neighbours without
 * phones stays well under it; a script filling the board does not.
 */
export const proposalLimiter = new RateLimiter(20, 60 * 60 * 1000);
/** The no-JavaScript ballot form: 30 posts a minute per account (the socket path has its own bucket). */
export const formBallotLimiter = new RateLimiter(30, 60 * 1000);

/** Counts one attempt and refuses it (RATE_LIMITED, with the minutes to wait) beyond the limit. */
export function enforce(limiter: RateLimiter, key: string, now = Date.now()): void {
	const wait = limiter.consume(key, now);
	if (wait > 0) throw new DomainError('RATE_LIMITED', { minutes: Math.ceil(wait / 60_000) });
}
