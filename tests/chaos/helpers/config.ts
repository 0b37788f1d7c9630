/**
 * Size and seed of a chaos run. CHAOS_SCALE=fast (the default, inside `npm test`) or full (`npm run
 * test:chaos`); CHAOS_SEED replays a run's schedule (kill moments, who votes when, what editors type).
 * Wall-clock interleavings still vary between runs; the schedule does not.
 */
export type ChaosScale = 'fast' | 'full';

export type ChaosConfig = {
	scale: ChaosScale;
	seed: number;
	phones: number;
	/** Every `pollingEvery`-th phone connects with long-polling only. */
	pollingEvery: number;
	/** Crash test: polls voted on one after another, and SIGKILLs per poll. */
	rounds: number;
	killsPerRound: number;
	/** Network test: reconnect storms per poll, polls, and phones resending one ballot id many times. */
	storms: number;
	stormRounds: number;
	resenders: number;
	resendCopies: number;
	/** How long the offline editor stays away, typing. */
	offlineMs: number;
	/** Milliseconds over which the phones of one poll cast their ballots. */
	spreadMs: number;
};

const SIZES: Record<ChaosScale, Omit<ChaosConfig, 'scale' | 'seed'>> = {
	fast: {
		phones: 300,
		pollingEvery: 10,
		rounds: 1,
		killsPerRound: 2,
		storms: 2,
		stormRounds: 1,
		resenders: 20,
		resendCopies: 8,
		offlineMs: 4_000,
		spreadMs: 6_000
	},
	full: {
		phones: 300,
		pollingEvery: 5,
		rounds: 6,
		killsPerRound: 3,
		storms: 6,
		stormRounds: 3,
		resenders: 60,
		resendCopies: 20,
		offlineMs: 90_000,
		spreadMs: 12_000
	}
};

export function chaosConfig(): ChaosConfig {
	const scale: ChaosScale = process.env.CHAOS_SCALE === 'full' ? 'full' : 'fast';
	const given = Number(process.env.CHAOS_SEED);
	const seed = Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
	const size = { ...SIZES[scale] };
	if (process.env.CHAOS_PHONES) size.phones = Number(process.env.CHAOS_PHONES);
	return { scale, seed, ...size };
}

/** mulberry32: small, fast and good enough to schedule faults; the same seed gives the same numbers. */
export function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		/** An integer in [min, max]. */
		int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
		pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
		/** A separate stream, so adding draws in one place does not shift another's schedule. */
		fork: (salt: number) => prng((seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0 || 1)
	};
}

export type Rng = ReturnType<typeof prng>;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves when `check` holds, polling every `everyMs`; rejects with `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 60_000, everyMs = 50) {
	const until = Date.now() + ms;
	while (!check()) {
		if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}
