/**
 * Meeting joins that arrive together (a courtyard scanning the QR code at once) are answered in one
 * read transaction: the meeting's state is computed once per batch and each poll's roll once
 * (`withRollsHeld`), instead of once per phone. Each answer is what it would have been alone: the
 * batch runs synchronously in one snapshot and joins write nothing. Measured in docs/benchmarks.md.
 */
import type { Db } from '../db';
import { withRollsHeld } from '../domain/polls';

/** Computes a value once per batch under `key`. */
export type Memo = <V>(key: string, make: () => V) => V;
type Job = { run: (memo: Memo) => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };
export type JoinBatch = <T>(run: (memo: Memo) => T) => Promise<T>;

const batches = new WeakMap<Db, JoinBatch>();

/** The join batcher of this database handle (one per server process). */
export function joinBatch(db: Db): JoinBatch {
	const existing = batches.get(db);
	if (existing) return existing;
	let queue: Job[] = [];
	let scheduled = false;

	function flush() {
		scheduled = false;
		const batch = queue;
		queue = [];
		const memoized = new Map<string, unknown>();
		const memo: Memo = <V>(key: string, make: () => V) => {
			if (!memoized.has(key)) memoized.set(key, make());
			return memoized.get(key) as V;
		};
		const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
		try {
			db.transaction(() =>
				withRollsHeld(db, () => {
					for (const job of batch) {
						try {
							results.push({ ok: true, value: job.run(memo) });
						} catch (error) {
							results.push({ ok: false, error });
						}
					}
				})
			);
		} catch (error) {
			for (const job of batch) job.reject(error);
			return;
		}
		batch.forEach((job, i) => {
			const r = results[i];
			if (r.ok) job.resolve(r.value);
			else job.reject(r.error);
		});
	}

	const batcher: JoinBatch = <T>(run: (memo: Memo) => T) =>
		new Promise<T>((resolve, reject) => {
			queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
			if (!scheduled) {
				scheduled = true;
				setImmediate(flush);
			}
		});
	batches.set(db, batcher);
	return batcher;
}
