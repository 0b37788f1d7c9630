/**
 * The co-editing baseline: a bare in-memory y-websocket server on 127.0.0.1 (sync + awareness, one doc
 * per path), with no auth and no persistence. Same wire protocol as /yjs/<doc> of the app.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

const http = createServer();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
/** @type {Map<string, { doc: Y.Doc, awareness: awarenessProtocol.Awareness, conns: Map<import('ws').WebSocket, Set<number>> }>} */
const docs = new Map();

function getDoc(name) {
	let d = docs.get(name);
	if (d) return d;
	const doc = new Y.Doc();
	const awareness = new awarenessProtocol.Awareness(doc);
	awareness.setLocalState(null);
	const conns = new Map();
	d = { doc, awareness, conns };
	docs.set(name, d);
	doc.on('update', (update, origin) => {
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, 0);
		syncProtocol.writeUpdate(enc, update);
		const msg = encoding.toUint8Array(enc);
		for (const c of conns.keys()) if (c !== origin) c.send(msg);
	});
	awareness.on('update', ({ added, updated, removed }, origin) => {
		const changed = added.concat(updated, removed);
		const ids = origin && conns.get(origin);
		if (ids) {
			for (const id of added) ids.add(id);
			for (const id of removed) ids.delete(id);
		}
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, 1);
		encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, changed));
		const msg = encoding.toUint8Array(enc);
		for (const c of conns.keys()) c.send(msg);
	});
	return d;
}

http.on('upgrade', (req, socket, head) => {
	const name = decodeURIComponent((req.url ?? '/').split('?')[0].replace(/^\/yjs\//, ''));
	wss.handleUpgrade(req, socket, head, (ws) => {
		const d = getDoc(name);
		d.conns.set(ws, new Set());
		ws.on('message', (data) => {
			const dec = decoding.createDecoder(new Uint8Array(/** @type {Buffer} */ (data)));
			const type = decoding.readVarUint(dec);
			if (type === 0) {
				const enc = encoding.createEncoder();
				encoding.writeVarUint(enc, 0);
				syncProtocol.readSyncMessage(dec, enc, d.doc, ws);
				if (encoding.length(enc) > 1) ws.send(encoding.toUint8Array(enc));
			} else if (type === 1) {
				awarenessProtocol.applyAwarenessUpdate(d.awareness, decoding.readVarUint8Array(dec), ws);
			}
		});
		ws.on('close', () => {
			const ids = d.conns.get(ws);
			d.conns.delete(ws);
			if (ids) awarenessProtocol.removeAwarenessStates(d.awareness, [...ids], null);
		});
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, 0);
		syncProtocol.writeSyncStep1(enc, d.doc);
		ws.send(encoding.toUint8Array(enc));
		const states = [...d.awareness.getStates().keys()];
		if (states.length) {
			const a = encoding.createEncoder();
			encoding.writeVarUint(a, 1);
			encoding.writeVarUint8Array(a, awarenessProtocol.encodeAwarenessUpdate(d.awareness, states));
			ws.send(encoding.toUint8Array(a));
		}
	});
});
http.listen(0, '127.0.0.1', () =>
	console.log(`baseline listening on http://127.0.0.1:${http.address().port}`)
);
process.once('SIGTERM', () => process.exit(0));
