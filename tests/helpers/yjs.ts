/** y-websocket providers for tests, authenticated with a session cookie like a browser. */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

export function providerFor(
	baseUrl: string,
	docName: string,
	cookie: string | undefined,
	doc = new Y.Doc(),
	params: Record<string, string> = {}
) {
	class CookieWebSocket extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: cookie ? { cookie } : {} });
		}
	}
	return new WebsocketProvider(baseUrl.replace('http', 'ws') + '/yjs', docName, doc, {
		WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true, // otherwise providers in one process sync through BroadcastChannel, not the server
		params
	});
}

export function synced(provider: WebsocketProvider): Promise<void> {
	return new Promise((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve())));
}

/** Resolves when `check` holds for the doc, re-checked on every update. */
export function until(doc: Y.Doc, check: () => boolean): Promise<void> {
	return new Promise((resolve) => {
		if (check()) return resolve();
		const onUpdate = () => {
			if (!check()) return;
			doc.off('update', onUpdate);
			resolve();
		};
		doc.on('update', onUpdate);
	});
}

/** The close code a raw websocket to a Yjs path gets. */
export function yjsCloseCode(baseUrl: string, path: string, cookie?: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(baseUrl.replace('http', 'ws') + path, { headers: cookie ? { cookie } : {} });
		ws.once('close', (code) => resolve(code));
		ws.once('error', reject);
	});
}
