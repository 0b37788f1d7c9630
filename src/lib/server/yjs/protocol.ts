import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { YjsCloseCode } from './close-codes';
import type { Connection } from './connection';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, sanitizePresence } from './presence';
import type { SharedDoc } from './shared-doc';
import type { WriteBudgets } from './budget';

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
 * Handles one binary message from `conn`. Throws on anything that does not decode, or on an update
 * over a size budget (YjsRefusedError; the caller closes the connection); updates and awareness from
 * a connection without write permission are dropped.
 */
export function handleMessage(
	shared: SharedDoc,
	conn: Connection,
	message: Uint8Array,
	budgets?: WriteBudgets
): void {
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
				// Decoded whole first: applyUpdate integrates (and we store) the structs before it reads
				// the delete set, so a truncated update would otherwise be half applied, then refused.
				if (conn.ctx.canWrite) {
					Y.decodeUpdate(update);
					budgets?.admit(shared, conn, update.byteLength); // before anything is applied or stored
					Y.applyUpdate(shared.doc, update, conn);
				}
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
			// Readers (residents, an anonymous projector) see who is editing but are never shown.
			if (!conn.ctx.canWrite) break;
			// Re-encoded from what survives: one client id per connection, each state rebuilt.
			const entries = decodeAwarenessUpdate(decoding.readVarUint8Array(decoder))
				.filter(({ clientID }) => shared.claimAwarenessClient(conn, clientID))
				.map((entry) => ({ ...entry, state: sanitizePresence(entry.state, conn.ctx.user) }));
			if (entries.length === 0) break;
			awarenessProtocol.applyAwarenessUpdate(shared.awareness, encodeAwarenessUpdate(entries), conn);
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
