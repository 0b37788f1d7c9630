/**
 * Requests arriving in the same tick, run together in one SQLite transaction with each poll's roll
 * held (`withRollsHeld`), each caller answered after that transaction ends with its own result or
 * error. Group commit (ballots) and join batching (meeting joins) are both this.
 */
import type { Db } from '../db';
import { withRollsHeld } from '../domain/polls';
import { shuffleBallotBox } from '../domain/secret-ballots';

type Job<C> = { run: (ctx: C) => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * `context` is made once per batch and handed to every job. With `savepoints`, each job runs in its
 * own savepoint, so one refused job does not undo the others.
 */
export function createTickBatch<C>(db: Db, opts: { context: () => C; savepoints: boolean }) {
	let queue: Job<C>[] = [];
	let scheduled = false;

	function flush() {
		scheduled = false;
		const batch = queue;
		queue = [];
		const ctx = opts.context();
		const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
		try {
			// Nothing else can change the roster while this transaction runs, so each poll's roll is
			// computed once per batch, not once per job. Secret choices are written last, shuffled.
			db.transaction(() =>
				withRollsHeld(db, () =>
					shuffleBallotBox(db, () => {
						for (const job of batch) {
							try {
								const value = opts.savepoints ? db.transaction(() => job.run(ctx)) : job.run(ctx);
								results.push({ ok: true, value });
							} catch (error) {
								results.push({ ok: false, error });
							}
						}
					})
				)
			);
		} catch (error) {
			// The commit itself failed (disk full, I/O error): nothing in the batch is stored.
			for (const job of batch) job.reject(error);
			return;
		}
		batch.forEach((job, i) => {
			const r = results[i];
			if (r.ok) job.resolve(r.value);
			else job.reject(r.error);
		});
	}

	/** Runs `run` in the next batch; resolves once that batch's transaction has ended. */
	return function enqueue<T>(run: (ctx: C) => T): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
			if (!scheduled) {
				scheduled = true;
				setImmediate(flush);
			}
		});
	};
}
