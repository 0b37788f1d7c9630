/**
 * One screen's live connection to a meeting (Socket.IO). On every (re)connect it sends `meeting:join`
 * and replaces its state with the ack: the server's state is the truth, never a local tally.
 */
import { io, type Socket } from 'socket.io-client';
import type { JoinPayload, Me, MeetingState } from '$lib/realtime/meeting';
import {
	ConnectError,
	SOCKET_PATH,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents
} from '$lib/realtime/protocol';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'ended';
type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Requests = Omit<ClientToServerEvents, 'meeting:join'>;
type AckOf<E extends keyof Requests> = Parameters<Parameters<Requests[E]>[1]>[0];

/** A request may wait this long for its ack before the screen says it failed. */
const ACK_TIMEOUT_MS = 10_000;

export class LiveMeeting {
	state = $state<MeetingState | null>(null);
	me = $state<Me | null>(null);
	status = $state<ConnectionStatus>('connecting');
	/** Error code of the last failed request or join (mapped to words by the page). */
	error = $state<string | null>(null);
	/** Local clock (ms) when `state` arrived: a running timer shows elapsed + (now − receivedAt). */
	receivedAt = $state(Date.now());
	/** Requests sent and not yet answered (buttons show they are busy). */
	busy = $state<string[]>([]);

	readonly meetingId: number;
	readonly #as: JoinPayload['as'];
	readonly #socket: AppSocket;
	#ended = false;
	#retry: ReturnType<typeof setTimeout> | undefined;
	#retries = 0;
	#listeners: Array<(s: MeetingState) => void> = [];
	#joinedListeners: Array<() => void> = [];

	constructor(opts: {
		meetingId: number;
		as: JoinPayload['as'];
		initial?: MeetingState;
		/** An anonymous projector proves the meeting's join code instead of a session. */
		projectorCode?: string | null;
	}) {
		this.meetingId = opts.meetingId;
		this.#as = opts.as;
		if (opts.initial) this.#setState(opts.initial);
		this.#socket = io({
			path: SOCKET_PATH,
			auth: opts.projectorCode ? { projectorMeetingId: opts.meetingId, code: opts.projectorCode } : undefined,
			reconnectionDelayMax: 5000,
			// Websocket first (no long-polling round trips on a weak 4G line); long-polling where a proxy
			// or an old phone blocks websockets.
			transports: ['websocket', 'polling'],
			tryAllTransports: true
		});
		const s = this.#socket;
		s.on('connect', () => {
			this.#retries = 0;
			void this.#join();
		});
		s.on('disconnect', (reason) => {
			if (this.#ended) return;
			this.status = 'reconnecting';
			// The server closed us (it restarts, or shuts down cleanly): Socket.IO leaves that to us.
			if (reason === 'io server disconnect') this.#reconnectLater();
		});
		s.on('connect_error', (err) => {
			if (this.#ended) return;
			if (err.message === ConnectError.Unauthenticated) return this.#end('UNAUTHENTICATED');
			this.status = 'reconnecting';
			if (!s.active) this.#reconnectLater();
		});
		s.on('session:ended', () => this.#end('UNAUTHENTICATED'));
		// The server took this screen out of the meeting (a role removed): joining again would be refused.
		s.on('meeting:left', ({ meetingId, code }) => {
			if (meetingId === this.meetingId) this.#end(code);
		});
		s.on('meeting:me', ({ meetingId, me }) => {
			if (meetingId === this.meetingId) this.me = me;
		});
		s.on('meeting:state', (state) => {
			if (state.meeting.id !== this.meetingId) return;
			// Broadcasts may cross a newer join ack on the wire; keep whichever the server made last.
			if (this.state && state.timer.serverNow < this.state.timer.serverNow) return;
			this.#setState(state);
		});
	}

	/** Called with each new state (e.g. to refetch what the broadcast does not carry). */
	onState(fn: (s: MeetingState) => void): () => void {
		this.#listeners.push(fn);
		return () => (this.#listeners = this.#listeners.filter((l) => l !== fn));
	}

	#setState(state: MeetingState) {
		this.state = state;
		this.receivedAt = Date.now();
		for (const l of this.#listeners) l(state);
	}

	#reconnectLater() {
		clearTimeout(this.#retry);
		const delay = Math.min(5000, 500 * 2 ** this.#retries++) * (0.5 + Math.random() / 2);
		this.#retry = setTimeout(() => {
			if (!this.#ended && !this.#socket.connected) this.#socket.connect();
		}, delay);
	}

	#end(code: string) {
		this.#ended = true;
		this.status = 'ended';
		this.error = code;
		this.#socket.disconnect();
	}

	async #join() {
		try {
			const res = await this.#socket
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('meeting:join', { meetingId: this.meetingId, as: this.#as });
			if (res.ok) {
				this.#setState(res.data.state);
				this.me = res.data.me;
				this.status = 'connected';
				if (this.error === 'OFFLINE') this.error = null;
				for (const l of this.#joinedListeners) l();
			} else {
				this.error = res.error.code;
				if (res.error.code === 'UNAUTHENTICATED' || res.error.code === 'FORBIDDEN') this.#end(res.error.code);
				else this.#reconnectLater();
			}
		} catch {
			// No ack in time: the connection is bad; try the whole join again.
			if (this.#socket.connected) this.#socket.disconnect().connect();
		}
	}

	/** Joins again (e.g. when a phone comes back from the camera app after scanning the QR code). */
	rejoin() {
		if (this.#socket.connected) void this.#join();
	}

	isBusy(event: keyof Requests) {
		return this.busy.includes(event);
	}

	/**
	 * Sends a request and returns its ack; a failure is also kept in `error`. Nothing is sent while
	 * disconnected: a tap then says so instead of firing late. Adds this meeting's id to the payload.
	 */
	request<E extends keyof Requests>(
		event: E,
		payload: Omit<Parameters<Requests[E]>[0], 'meetingId'>
	): Promise<AckOf<E>> {
		return this.#send(event, { ...payload, meetingId: this.meetingId });
	}

	/** As `request`, with the payload sent as given (poll events name a `pollId`, not the meeting). */
	requestRaw<E extends keyof Requests>(
		event: E,
		payload: Parameters<Requests[E]>[0],
		opts: { quiet?: boolean } = {}
	): Promise<AckOf<E>> {
		return this.#send(event, payload, opts.quiet);
	}

	/** Called after every successful (re)join, e.g. to resend ballots that were never acknowledged. */
	onJoined(fn: () => void): () => void {
		this.#joinedListeners.push(fn);
		return () => (this.#joinedListeners = this.#joinedListeners.filter((l) => l !== fn));
	}

	async #send<E extends keyof Requests>(event: E, payload: unknown, quiet = false): Promise<AckOf<E>> {
		const fail = (code: string) => {
			if (!quiet) this.error = code;
			return { ok: false, error: { code, message: code } } as AckOf<E>;
		};
		if (!this.#socket.connected || this.status !== 'connected') return fail('OFFLINE');
		this.busy = [...this.busy, event];
		try {
			// The generic event makes Socket.IO's overloads unresolvable; the payload type is checked above.
			const timed = this.#socket.timeout(ACK_TIMEOUT_MS) as unknown as {
				emitWithAck(ev: E, p: unknown): Promise<AckOf<E>>;
			};
			const res = await timed.emitWithAck(event, payload);
			const ack = res as Ack<unknown>;
			if (!ack.ok) {
				if (!quiet) this.error = ack.error.code;
			} else {
				if (!quiet) this.error = null;
				const data = ack.data as { me?: Me } | null;
				if (data?.me) this.me = data.me;
			}
			return res;
		} catch {
			return fail('TIMEOUT');
		} finally {
			this.busy = this.busy.filter((b) => b !== event);
		}
	}

	clearError() {
		this.error = null;
	}

	destroy() {
		this.#ended = true;
		clearTimeout(this.#retry);
		this.#listeners = [];
		this.#joinedListeners = [];
		this.#socket.disconnect();
	}
}
