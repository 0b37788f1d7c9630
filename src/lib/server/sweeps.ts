/**
 * Work the clock triggers outside any request: ending rating rounds whose time is up (ratings.ts).
 * Once a minute is plenty for rounds that last days; a sweep that fails is logged and tried again.
 */
import type { Db } from './db';
import { closeDueRatings } from './domain/ratings';

export function startSweeps(db: Db, everyMs = 60_000) {
	const run = () => {
		try {
			closeDueRatings(db);
		} catch (e) {
			console.error('closing due ratings failed', e);
		}
	};
	run();
	const timer = setInterval(run, everyMs);
	timer.unref();
	return { close: () => clearInterval(timer) };
}
