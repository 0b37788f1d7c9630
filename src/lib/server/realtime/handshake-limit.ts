/**
 * A cap on failed anonymous websocket handshakes per address, shaped like the limiters in
 * `rate-limit.ts` (fixed windows, in memory; behind several nodes this moves to Redis). A handshake
 * without a valid session reserves a place before it is looked at, so a burst sent all at once is
 * capped too; one that succeeds (the projector of a public meeting showing its join code) gives its
 * place back, so a projector that reconnects all day never counts. Logged-in users are never held.
 */
export class HandshakeLimiter {
	private windows = new Map<string, { count: number; resetAt: number }>();

	constructor(
		private readonly max: number,
		private readonly windowMs: number
	) {}

	/** Takes a place for one anonymous handshake; false when the address is over its cap. */
	reserve(address: string, now = Date.now()): boolean {
		let w = this.windows.get(address);
		if (!w || w.resetAt <= now) {
			w = { count: 0, resetAt: now + this.windowMs };
			this.windows.set(address, w);
			this.sweep(now);
		}
		if (w.count >= this.max) return false;
		w.count++;
		return true;
	}

	/** Gives the place back: the handshake succeeded. */
	release(address: string): void {
		const w = this.windows.get(address);
		if (w && w.count > 0) w.count--;
	}

	private sweep(now: number) {
		if (this.windows.size < 10_000) return;
		for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
	}
}

/**
 * 60 failed anonymous handshakes per address a minute. A courtyard's phones are logged in; the ones
 * whose session just ended are told so and stop (they do not retry), so only a script gets near it.
 */
export const ANONYMOUS_HANDSHAKES = { max: 60, windowMs: 60_000 } as const;
