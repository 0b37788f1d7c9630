import { CloseCode } from '../../realtime/protocol';

/**
 * Close codes the Yjs endpoint sends on its own. The standard ones are what y-websocket and browsers
 * expect; the application code comes from the shared table the browser also imports.
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
	/** Permissions changed (reconnectAll): reconnect and be authorized afresh (see CloseCode). */
	reauthorize: CloseCode.Reauthorize,
	/** Over the per-connection message rate (see Connection.allow). */
	tooManyMessages: CloseCode.TooManyMessages,
	/** The session behind the connection ended (logout, expiry, a reissued card, a deleted account). */
	sessionEnded: CloseCode.Unauthenticated,
	/** The user may no longer use this document as they did (a role removed). */
	forbidden: CloseCode.Forbidden,
	/** An update that would take the document over its size budget (see WriteBudgets). */
	documentTooLarge: CloseCode.DocumentTooLarge,
	/** An update over the writer's bytes per minute (see WriteBudgets). */
	writerOverBudget: CloseCode.WriterOverBudget,
	/** A binary message that does not decode as the y-websocket protocol. */
	malformedMessage: CloseCode.BadMessage
} as const;
