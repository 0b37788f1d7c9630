/**
 * A port the domain uses to say "this meeting's polls changed" (one opened, closed or withdrawn),
 * whichever transport asked for it: the console's socket, a form action such as /rules/adopt, or the
 * server's own timer. The realtime layer listens and brings every screen of the meeting up to date,
 * so no caller has to remember to broadcast. Without a listener (unit tests, the build) it does nothing.
 *
 * Listeners are called synchronously inside the domain call; they must only schedule work (the
 * meeting broadcast runs on a timer, after the transaction that changed the rows has committed).
 */
export type PollsChangedListener = (meetingId: number) => void;

const listeners = new Set<PollsChangedListener>();

/** Registers a listener; returns the function that removes it. */
export function onPollsChanged(listener: PollsChangedListener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** Called by the domain after it opened, closed or withdrew a poll of the meeting. */
export function pollsChanged(meetingId: number) {
	for (const l of listeners) {
		try {
			l(meetingId);
		} catch (e) {
			// A screen missing one update must never undo the vote that was just stored.
			console.error('polls-changed listener failed', e);
		}
	}
}
