/**
 * A meeting's agenda document (Yjs) in the browser: the y-websocket provider, y-indexeddb for editors
 * (a facilitator whose connection drops keeps editing; the edits merge on reconnect), the items as a
 * reactive list, and who else is editing (awareness; the server stamps each state's `user.name`).
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { listItems, type AgendaItem } from '$lib/agenda';
import { finalCloseReason, shouldReconnect } from '$lib/realtime/protocol';

export type AgendaStatus = 'connecting' | 'connected' | 'disconnected' | 'denied';
export type Peer = {
	clientId: number;
	userId: number | null;
	name: string;
	color: string;
	editing: string | null;
};

const COLORS = ['#1d4ed8', '#047857', '#b45309', '#7c3aed', '#be123c', '#0e7490'];

export const agendaDocName = (meetingId: number) => `meeting:${meetingId}:agenda`;

export class AgendaDoc {
	items = $state<AgendaItem[]>([]);
	status = $state<AgendaStatus>('connecting');
	/** Why the server ended the connection for good (with status 'denied'). */
	closeReason = $state<ReturnType<typeof finalCloseReason>>('denied');
	/** True once the server's copy has arrived (or the local copy, offline). */
	loaded = $state(false);
	peers = $state<Peer[]>([]);

	readonly doc = new Y.Doc();
	readonly color = COLORS[Math.floor(Math.random() * COLORS.length)];
	readonly #provider: WebsocketProvider;
	readonly #persistence: IndexeddbPersistence | undefined;
	readonly #selfUserId: number | null;

	constructor(
		meetingId: number,
		opts: { initial?: AgendaItem[]; persist?: boolean; selfUserId?: number | null; code?: string | null } = {}
	) {
		this.items = opts.initial ?? [];
		this.#selfUserId = opts.selfUserId ?? null;
		const name = agendaDocName(meetingId);
		this.doc.on('update', () => {
			this.items = listItems(this.doc);
		});
		if (opts.persist) {
			this.#persistence = new IndexeddbPersistence(name, this.doc);
			void this.#persistence.whenSynced.then(() => {
				if (this.doc.share.size && itemsCount(this.doc) > 0) {
					this.items = listItems(this.doc);
					this.loaded = true;
				}
			});
		}
		const origin = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/yjs`;
		// y-websocket joins the room name onto the URL as is; the server decodes it (':' → %3A).
		this.#provider = new WebsocketProvider(origin, encodeURIComponent(name), this.doc, {
			disableBc: true,
			shouldReconnect,
			// An anonymous projector reads a public meeting's agenda with the join code.
			params: opts.code ? { code: opts.code } : {}
		});
		const p = this.#provider;
		// Only editors show up as "also editing"; a phone or projector that only reads stays invisible.
		if (opts.persist) p.awareness.setLocalStateField('user', { color: this.color });
		else p.awareness.setLocalState(null);
		p.on('status', ({ status }) => {
			if (this.status !== 'denied') this.status = status;
		});
		p.on('sync', (synced: boolean) => {
			if (!synced) return;
			this.items = listItems(this.doc);
			this.loaded = true;
		});
		// 44xx (no login, no right, over a size budget) or a message too big: final, so no retrying.
		p.on('connection-close', (event) => {
			if (!event || shouldReconnect(event)) return;
			this.status = 'denied';
			this.closeReason = finalCloseReason(event.code);
		});
		p.awareness.on('change', () => this.#readPeers());
	}

	/** Tells the others which item this screen is editing (null when none). */
	setEditing(itemId: string | null) {
		this.#provider.awareness.setLocalStateField('editing', itemId);
	}

	#readPeers() {
		const seen: number[] = []; // a plain local, not state
		const peers: Peer[] = [];
		for (const [clientId, state] of this.#provider.awareness.getStates()) {
			if (clientId === this.doc.clientID) continue;
			const user = (state.user ?? {}) as { id?: number; name?: string; color?: string };
			if (!user.name) continue;
			if (user.id != null && user.id === this.#selfUserId) continue;
			const key = user.id ?? clientId;
			if (seen.includes(key)) continue;
			seen.push(key);
			peers.push({
				clientId,
				userId: user.id ?? null,
				name: user.name,
				color: typeof user.color === 'string' ? user.color : '#444',
				editing: typeof state.editing === 'string' ? state.editing : null
			});
		}
		this.peers = peers;
	}

	/** Replaces the items from elsewhere (the projector's JSON fallback when the socket is refused). */
	setItems(items: AgendaItem[]) {
		if (this.status === 'denied') this.items = items;
	}

	destroy() {
		this.#provider.awareness.setLocalState(null);
		this.#provider.destroy();
		void this.#persistence?.destroy();
		this.doc.destroy();
	}
}

function itemsCount(doc: Y.Doc) {
	return doc.getMap('items').size;
}
