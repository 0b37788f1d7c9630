import type { RequestEvent } from '@sveltejs/kit';

/** The client's address for rate limits (adapter-node honours ADDRESS_HEADER behind a proxy). */
export function clientAddress(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}
