import { WebSocket } from 'ws';

/** Who is connecting to which document, decided by the caller after authenticating the request. */
export type YjsConnectionContext = {
	docName: string;
	canWrite: boolean;
	user: { id: number; name: string };
	/** The login session behind it, so logging out closes it; none for an anonymous projector. */
	sessionId?: string;
	/** When that session expires as the handshake saw it (it may slide later; see session-timers.ts). */
	sessionExpiresAt?: number;
	/** The join code an anonymous projector showed, kept to check its access again. */
	code?: string | null;
};

/** How long a closed connection's client may take to answer the close frame before it is cut. */
const CLOSE_GRACE_MS = 1000;

/**
 * Messages a connection may send: a burst of 300 (a reconnect's resync, a paste), then 60 a second.
 * A typist at 8 keys a second sends about 16 (updates and cursors); a flood is cut off.
 */
const BURST = 300;
const PER_MS = 60 / 1000;

/** One client socket serving one document. */
export class Connection {
	/** Cleared on each keep-alive ping, set again by the pong; still clear at the next ping means dead. */
	alive = true;
	private tokens = BURST;
	private last = Date.now();

	constructor(
		readonly ws: WebSocket,
		readonly ctx: YjsConnectionContext
	) {}

	/** Takes one message from the bucket; false once the connection is over its rate. */
	allow(now = Date.now()): boolean {
		this.tokens = Math.min(BURST, this.tokens + (now - this.last) * PER_MS);
		this.last = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}

	send(message: Uint8Array): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		// A failed write means the socket is gone; terminating fires 'close', which does the cleanup.
		this.ws.send(message, (err) => {
			if (err) this.ws.terminate();
		});
	}

	/** Closes with a code; from here on nothing more is sent or accepted, and the socket goes within a second. */
	close(code: number, reason: string): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		this.ws.close(code, reason);
		const cut = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
		this.ws.once('close', () => clearTimeout(cut));
	}

	/** One log line per incident, naming the document and the user but never message contents. */
	log(what: string, err?: unknown): void {
		const detail = err instanceof Error ? `: ${err.message}` : '';
		console.warn(`[yjs] doc=${this.ctx.docName} user=${this.ctx.user.id}: ${what}${detail}`);
	}
}
