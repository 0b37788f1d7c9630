import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Awareness (presence) updates as the server accepts them. Every state is rebuilt from an allowlist,
 * because editors render what others publish (the colour goes into CSS): nothing a client invents
 * reaches another browser unchecked.
 */

/** One client's entry in an awareness update. Wire format (y-protocols): clientID, clock, JSON state. */
export type AwarenessEntry = { clientID: number; clock: number; state: unknown };

/** A y-prosemirror / Tiptap cursor is two relative positions: well under this when serialized. */
export const MAX_CURSOR_BYTES = 1024;
/** Agenda item ids are a dozen characters; anything longer is not one. */
const MAX_EDITING_LENGTH = 64;
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** Throws (lib0 or JSON errors) on anything that is not a well-formed awareness update. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientID = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state: unknown = JSON.parse(decoding.readVarString(decoder));
		entries.push({ clientID, clock, state });
	}
	return entries;
}

export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const { clientID, clock, state } of entries) {
		encoding.writeVarUint(encoder, clientID);
		encoding.writeVarUint(encoder, clock);
		encoding.writeVarString(encoder, JSON.stringify(state));
	}
	return encoding.toUint8Array(encoder);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state others will see: `user.id` and `user.name` from the authenticated user (presence cannot
 * be spoofed), `user.color` only as `#rrggbb`, plus the fields editors use: `cursor` (an object of at
 * most 1 KB as JSON) and `editing` (the agenda item being edited, or null). Everything else is
 * dropped. `null` (the client left) stays `null`.
 */
export function sanitizePresence(
	state: unknown,
	user: { id: number; name: string }
): Record<string, unknown> | null {
	if (state === null) return null;
	const given = isObject(state) ? state : {};
	const givenUser = isObject(given.user) ? given.user : {};
	const clean: Record<string, unknown> = {
		user: {
			id: user.id,
			name: user.name,
			...(typeof givenUser.color === 'string' && COLOR.test(givenUser.color)
				? { color: givenUser.color }
				: {})
		}
	};
	const { cursor, editing } = given;
	if (isObject(cursor) && Buffer.byteLength(JSON.stringify(cursor)) <= MAX_CURSOR_BYTES) {
		clean.cursor = cursor;
	}
	if (editing === null || (typeof editing === 'string' && editing.length <= MAX_EDITING_LENGTH)) {
		clean.editing = editing;
	}
	return clean;
}
