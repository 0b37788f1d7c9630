/**
 * When rights end: the one event the live layers (Socket.IO and Yjs) subscribe to, so a removed role,
 * a deleted account, a reissued card or a session that ended or expired reaches the user's open
 * connections at once instead of at their next message or reconnect. Raised by the domain and the
 * session code where those things happen.
 *
 * A port: in process now; with several nodes, an implementation over Redis pub/sub carries the same
 * small messages to every node (`setAccessEventBus`), and each node acts on its own connections.
 * Events are hints and the database is the truth: a subscriber reads the session and the roles again
 * before it closes or downgrades anything, so a late, repeated or reordered event does no harm.
 */

export type AccessEvent =
	/** These sessions ended: logout, a reissued or revoked card, expiry, an account deleted. */
	| { kind: 'sessionsEnded'; sessionIds: string[] }
	/** These users' roles changed, or their account was deleted: what they may do is looked up again. */
	| { kind: 'usersChanged'; userIds: number[] };

export type AccessEventListener = (event: AccessEvent) => void;

export interface AccessEventBus {
	publish(event: AccessEvent): void;
	/** Returns the function that unsubscribes. */
	subscribe(listener: AccessEventListener): () => void;
}

/**
 * Delivers on a microtask: after the caller's transaction has committed (better-sqlite3 commits
 * before the call returns) and before any later message from a client is read. A bus between nodes
 * must likewise publish only what was committed.
 */
export function createInProcessAccessEventBus(): AccessEventBus {
	const listeners = new Set<AccessEventListener>();
	return {
		publish(event) {
			queueMicrotask(() => {
				for (const listener of listeners) {
					try {
						listener(event);
					} catch (e) {
						console.error('access event listener failed', e);
					}
				}
			});
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		}
	};
}

let bus: AccessEventBus = createInProcessAccessEventBus();

/** Replaces the in-process bus (e.g. with one over Redis when the app runs on several nodes). */
export function setAccessEventBus(next: AccessEventBus): void {
	bus = next;
}

export function publishAccessEvent(event: AccessEvent): void {
	const ids = event.kind === 'sessionsEnded' ? event.sessionIds : event.userIds;
	if (ids.length > 0) bus.publish(event);
}

export function subscribeAccessEvents(listener: AccessEventListener): () => void {
	return bus.subscribe(listener);
}
