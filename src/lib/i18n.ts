/** Maps a domain error code to a message in the current language. */
import { m } from '$lib/paraglide/messages';

type Params = Record<string, string | number>;
const messages = m as unknown as Record<string, ((p?: Params) => string) | undefined>;

export function errorMessage(code: string | undefined, params: Params = {}): string {
	const fn = messages[`error_${code}`] ?? messages.error_INTERNAL!;
	return fn({ minutes: 1, ...params });
}

/** A message by a computed key (e.g. `role_${role}`), falling back to the key itself. */
export function messageFor(key: string, params: Params = {}): string {
	return messages[key]?.(params) ?? key;
}
