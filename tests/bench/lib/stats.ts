/** Percentiles and small helpers for bench figures. */
export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[i];
}

export function summarize(values: number[]) {
	const s = [...values].sort((a, b) => a - b);
	return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

/** The middle value, or the mean of the two middle ones. */
export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length / 2;
	if (s.length === 0) return NaN;
	return s.length % 2 ? s[Math.floor(mid)] : (s[mid - 1] + s[mid]) / 2;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bench sizes scale down for development (BENCH_SCALE=0.1); the default run uses the full sizes in docs/benchmarks.md. */
export const SCALE = Number(process.env.BENCH_SCALE ?? '1') || 1;
export const scaled = (n: number, min = 1) => Math.max(min, Math.round(n * SCALE));
