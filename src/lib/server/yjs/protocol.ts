import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { YjsCloseCode } from './close-codes';
import type { Connection } from './connection';
import type { SharedDoc } from './shared-doc';

/** Top-level message types of the y-websocket protocol (same numbers as the y-websocket client). */
const messageSync = 0;
const messageAwareness = 1;
const messageQueryAwareness = 3;

/** Presence is a name, a colour and a cursor: a few hundred bytes. Anything near this is abuse. */
export const MAX_AWARENESS_BYTES = 32 * 1024;

/** A message the connection must be closed for, with the close code to use. */
export class YjsProtocolError extends Error {
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
	}
}

/**
 * Handles one binary message from `conn`. Throws on anything that does not decode (the caller closes
 * the connection); updates from a connection without write permission are read and dropped.
 */
export function handleMessage(shared: SharedDoc, conn: Connection, message: Uint8Array): void {
	const decoder = decoding.createDecoder(message);
	const type = decoding.readVarUint(decoder);
	switch (type) {
		case messageSync: {
			const reply = encoding.createEncoder();
			encoding.writeVarUint(reply, messageSync);
			const syncType = decoding.readVarUint(decoder);
			if (syncType === syncProtocol.messageYjsSyncStep1) {
				// Readers get the document too; only their writes are refused.
				syncProtocol.readSyncStep1(decoder, reply, shared.doc);
			} else if (
				syncType === syncProtocol.messageYjsSyncStep2 ||
				syncType === syncProtocol.messageYjsUpdate
			) {
				const update = decoding.readVarUint8Array(decoder);
				// Not y-protocols' readSyncStep2: it swallows decoding errors, and we want them to close.
				if (conn.ctx.canWrite) Y.applyUpdate(shared.doc, update, conn);
			} else {
				throw new YjsProtocolError(YjsCloseCode.malformedMessage, `unknown sync type ${syncType}`);
			}
			if (encoding.length(reply) > 1) conn.send(encoding.toUint8Array(reply));
			break;
		}
		case messageAwareness: {
			if (message.byteLength > MAX_AWARENESS_BYTES) {
				throw new YjsProtocolError(YjsCloseCode.messageTooBig, 'awareness message too big');
			}
			const update = stampUser(decoding.readVarUint8Array(decoder), conn.ctx.user);
			awarenessProtocol.applyAwarenessUpdate(shared.awareness, update, conn);
			break;
		}
		case messageQueryAwareness: {
			const clients = [...shared.awareness.getStates().keys()];
			conn.send(encodeAwarenessMessage(shared.awareness, clients));
			break;
		}
		default:
		// Auth messages (2) are server-to-client only; unknown types are ignored like upstream does.
	}
}

/**
 * Rewrites `user.id` and `user.name` in every state of an awareness update with the authenticated
 * user, so presence cannot be spoofed; other fields (colour, cursor) pass through.
 * Wire format (y-protocols/awareness): count, then per client: clientID, clock, JSON state.
 */
function stampUser(update: Uint8Array, user: { id: number; name: string }): Uint8Array {
	const decoder = decoding.createDecoder(update);
	const encoder = encoding.createEncoder();
	const count = decoding.readVarUint(decoder);
	encoding.writeVarUint(encoder, count);
	for (let i = 0; i < count; i++) {
		encoding.writeVarUint(encoder, decoding.readVarUint(decoder)); // clientID
		encoding.writeVarUint(encoder, decoding.readVarUint(decoder)); // clock
		const state: unknown = JSON.parse(decoding.readVarString(decoder));
		encoding.writeVarString(encoder, JSON.stringify(state === null ? null : withUser(state, user)));
	}
	return encoding.toUint8Array(encoder);
}

function withUser(state: unknown, user: { id: number; name: string }): Record<string, unknown> {
	const isObject = (v: unknown): v is Record<string, unknown> =>
		typeof v === 'object' && v !== null && !Array.isArray(v);
	const base = isObject(state) ? state : {};
	const previous = isObject(base.user) ? base.user : {};
	return { ...base, user: { ...previous, id: user.id, name: user.name } };
}

export function encodeSyncStep1Message(doc: Y.Doc): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeSyncStep1(encoder, doc);
	return encoding.toUint8Array(encoder);
}

export function encodeUpdateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeAwarenessMessage(
	awareness: awarenessProtocol.Awareness,
	clients: number[]
): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageAwareness);
	encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	return encoding.toUint8Array(encoder);
}
