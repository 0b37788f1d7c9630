/**
 * The community's rules draft (Yjs document `rules:<communityId>`) in the browser, modelled on
 * AgendaDoc: the y-websocket provider, a y-indexeddb copy for writers (a committee member whose
 * connection drops keeps drafting; the edits merge on reconnect), connection status, whether the
 * document is still empty, and who else is editing (awareness; the server stamps `user.name`).
 *
 * Two replicas: `doc`, which the editor and the offline copy use, and the one the provider syncs. They
 * pass every update to each other at once, except while a Chinese input method composes (see
 * pauseSync), when both directions wait:
 *  - ProseMirror puts the pinyin ("cun") into the document before the character (村) is chosen, and
 *    y-prosemirror would send it to everyone, residents watching included (y-prosemirror syncs every step as it happens);
 *  - a remote change that lands in the text node being composed makes ProseMirror redraw that node,
 *    which cancels the browser's composition: the pinyin stays in the text and the chosen character is
 *    added after it ("村min民", seen in tests/e2e/rules-editor.test.ts). ProseMirror only protects the
 *    composition while the composed text node is untouched.
 * Compositions last seconds, so the writer is briefly "offline", as in other Chinese online editors.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { isEmptyRules } from '$lib/rules/clauses';
import { finalCloseReason, shouldReconnect } from '$lib/realtime/protocol';

export type RulesStatus = 'connecting' | 'connected' | 'disconnected' | 'denied';
export type RulesPeer = { clientId: number; name: string; color: string };

const COLORS = ['#1d4ed8', '#047857', '#b45309', '#7c3aed', '#be123c', '#0e7490'];

export class RulesDoc {
	status = $state<RulesStatus>('connecting');
	/** Why the server ended the connection for good (with status 'denied'). */
	closeReason = $state<ReturnType<typeof finalCloseReason>>('denied');
	/** True once the server's copy has arrived: only then may "start from a template" be offered. */
	synced = $state(false);
	/** True once there is something to show (the server's copy, or the local copy offline). */
	loaded = $state(false);
	/** Whether the connection has been up before: "reconnecting" rather than "connecting". */
	wasConnected = $state(false);
	empty = $state(true);
	peers = $state<RulesPeer[]>([]);

	readonly doc = new Y.Doc();
	readonly #wire = new Y.Doc();
	#paused = false;
	#heldLocal: Uint8Array[] = [];
	#heldRemote: Uint8Array[] = [];
	readonly color = COLORS[Math.floor(Math.random() * COLORS.length)];
	readonly provider: WebsocketProvider;
	readonly #persistence: IndexeddbPersistence | undefined;
	readonly #selfUserId: number | null;

	constructor(docName: string, opts: { write: boolean; selfUserId?: number | null }) {
		this.#selfUserId = opts.selfUserId ?? null;
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			this.empty = isEmptyRules(this.doc);
			if (origin === this.#wire) return;
			if (this.#paused) this.#heldLocal.push(update);
			else Y.applyUpdate(this.#wire, update, this.doc);
		});
		this.#wire.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this.doc) return;
			if (this.#paused) this.#heldRemote.push(update);
			else Y.applyUpdate(this.doc, update, this.#wire);
		});
		if (opts.write) {
			this.#persistence = new IndexeddbPersistence(docName, this.doc);
			void this.#persistence.whenSynced.then(() => {
				if (!this.empty) this.loaded = true;
			});
		}
		const origin = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/yjs`;
		// The network replica only ever applies updates, never makes its own, so it may carry the
		// editor replica's client id; y-websocket announces presence under its doc's id, and the carets
		// others draw must belong to the id that wrote the text.
		this.#wire.clientID = this.doc.clientID;
		// y-websocket joins the room name onto the URL as is; the server decodes it (':' → %3A).
		this.provider = new WebsocketProvider(origin, encodeURIComponent(docName), this.#wire, {
			disableBc: true,
			shouldReconnect
		});
		const p = this.provider;
		// Readers stay invisible: with no local state, the caret extension's own writes are no-ops.
		if (opts.write) p.awareness.setLocalStateField('user', { color: this.color });
		else p.awareness.setLocalState(null);
		p.on('status', ({ status }) => {
			if (this.status === 'denied') return;
			this.status = status;
			if (status === 'connected') this.wasConnected = true;
		});
		p.on('sync', (synced: boolean) => {
			if (!synced) return;
			this.empty = isEmptyRules(this.doc);
			this.synced = true;
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

	/** For the shared ConnectionStatus badge. */
	get connection(): 'connecting' | 'connected' | 'reconnecting' | 'ended' {
		if (this.status === 'denied') return 'ended';
		if (this.status === 'connected') return 'connected';
		return this.wasConnected ? 'reconnecting' : 'connecting';
	}

	/**
	 * Pauses the exchange between the editor and the network while an input method composes; on
	 * resume, the others' changes are applied and this writer's go out as one update, in which the
	 * pinyin is already deleted. Nothing is lost: each side keeps what it had.
	 */
	pauseSync(paused: boolean) {
		this.#paused = paused;
		if (paused) return;
		const remote = this.#heldRemote;
		const local = this.#heldLocal;
		this.#heldRemote = [];
		this.#heldLocal = [];
		if (remote.length) Y.applyUpdate(this.doc, Y.mergeUpdates(remote), this.#wire);
		if (local.length) Y.applyUpdate(this.#wire, Y.mergeUpdates(local), this.doc);
	}

	#readPeers() {
		const seen: number[] = []; // a plain local, not state
		const peers: RulesPeer[] = [];
		for (const [clientId, state] of this.provider.awareness.getStates()) {
			if (clientId === this.doc.clientID) continue;
			const user = (state.user ?? {}) as { id?: number; name?: string; color?: string };
			if (!user.name) continue;
			// The same person in a second tab is still "me"; two tabs of someone else count once.
			if (user.id != null && user.id === this.#selfUserId) continue;
			const key = user.id ?? -clientId;
			if (seen.includes(key)) continue;
			seen.push(key);
			peers.push({ clientId, name: user.name, color: typeof user.color === 'string' ? user.color : '#444' });
		}
		this.peers = peers;
	}

	destroy() {
		this.pauseSync(false);
		this.provider.awareness.setLocalState(null);
		this.provider.destroy();
		void this.#persistence?.destroy();
		this.#wire.destroy();
		this.doc.destroy();
	}
}
