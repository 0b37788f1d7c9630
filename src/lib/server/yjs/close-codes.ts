/**
 * WebSocket close codes the Yjs endpoint sends. The browser needs these too: they belong in
 * src/lib/realtime/ once that module exists (the 44xx pair follows hocuspocus's CloseEvents).
 */
export const YjsCloseCode = {
	/** Server shutting down; the provider reconnects. */
	goingAway: 1001,
	/** A text frame on this binary-only protocol. */
	unsupportedData: 1003,
	/** A message over the size cap (ws sends it itself for maxPayload). */
	messageTooBig: 1009,
	/** The document could not be loaded or stored. */
	internalError: 1011,
	/** A binary message that does not decode as the y-websocket protocol. */
	malformedMessage: 4400,
	unauthenticated: 4401,
	forbidden: 4403
} as const;
