import { WebSocket } from 'ws';

/** Who is connecting to which document, decided by the caller after authenticating the request. */
export type YjsConnectionContext = {
	docName: string;
	canWrite: boolean;
	user: { id: number; name: string };
};

/** One client socket serving one document. */
export class Connection {
	/** Cleared on each keep-alive ping, set again by the pong; still clear at the next ping means dead. */
	alive = true;

	constructor(
		readonly ws: WebSocket,
		readonly ctx: YjsConnectionContext
	) {}

	send(message: Uint8Array): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		// A failed write means the socket is gone; terminating fires 'close', which does the cleanup.
		this.ws.send(message, (err) => {
			if (err) this.ws.terminate();
		});
	}

	close(code: number, reason: string): void {
		if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
	}

	/** One log line per incident, naming the document and the user but never message contents. */
	log(what: string, err?: unknown): void {
		const detail = err instanceof Error ? `: ${err.message}` : '';
		console.warn(`[yjs] doc=${this.ctx.docName} user=${this.ctx.user.id}: ${what}${detail}`);
	}
}
