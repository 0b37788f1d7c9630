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
