/**
 * Meeting joins that arrive together (a courtyard scanning the QR code at once) are answered in one
 * read transaction: the meeting's state is computed once per batch and each poll's roll once
 * (`withRollsHeld`), instead of once per phone. Each answer is what it would have been alone: the
 * batch runs synchronously in one snapshot and joins write nothing. Measured in docs/benchmarks.md.
 */
import type { Db } from '../db';
import { createTickBatch } from './tick-batch';

/** Computes a value once per batch under `key`. */
export type Memo = <V>(key: string, make: () => V) => V;
export type JoinBatch = <T>(run: (memo: Memo) => T) => Promise<T>;

function newMemo(): Memo {
	const memoized = new Map<string, unknown>();
	return <V>(key: string, make: () => V) => {
		if (!memoized.has(key)) memoized.set(key, make());
		return memoized.get(key) as V;
	};
}

const batches = new WeakMap<Db, JoinBatch>();

/** The join batcher of this database handle (one per server process). */
export function joinBatch(db: Db): JoinBatch {
	let batcher = batches.get(db);
	if (!batcher) {
		batcher = createTickBatch(db, { context: newMemo, savepoints: false });
		batches.set(db, batcher);
	}
	return batcher;
}
