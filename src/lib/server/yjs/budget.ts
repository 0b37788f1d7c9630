import { YjsCloseCode } from './close-codes';
import type { Connection } from './connection';
import { YjsProtocolError } from './protocol';
import type { SharedDoc } from './shared-doc';

/** A write refused for size, reported to the server's `onRefused` (for the audit log). */
export type YjsRefusal = {
	reason: 'DOCUMENT_BUDGET' | 'WRITER_BUDGET';
	docName: string;
	/** Size of the refused update. */
	bytes: number;
	/** The budget it would have gone over: the document's bytes, or the writer's bytes per minute. */
	budget: number;
};

/** Closes the connection with the refusal's code; nothing of the update was applied or stored. */
export class YjsRefusedError extends YjsProtocolError {
	constructor(readonly refusal: YjsRefusal) {
		super(
			refusal.reason === 'DOCUMENT_BUDGET' ? YjsCloseCode.documentTooLarge : YjsCloseCode.writerOverBudget,
			refusal.reason === 'DOCUMENT_BUDGET' ? 'document over its size budget' : 'writer over its byte budget'
		);
	}
}

const MINUTE = 60_000;

/**
 * Size budgets for client writes, checked before an update is applied: each document may take at
 * most its budget in storage (snapshot plus log), and each writer (a user, across all connections
 * and documents) may send at most `bytesPerMinute` of updates, as a bucket that refills continuously.
 * Sync step 1 and presence cost nothing here; the message rate limit covers them.
 */
export class WriteBudgets {
	private writers = new Map<number, { bytes: number; at: number }>();

	constructor(
		private readonly documentBudget: (docName: string) => number,
		private readonly bytesPerMinute: number
	) {}

	/** Throws YjsRefusedError if `bytes` more would take the writer or the document over budget. */
	admit(shared: SharedDoc, conn: Connection, bytes: number, now = Date.now()): void {
		const userId = conn.ctx.user.id;
		const writer = this.writers.get(userId) ?? { bytes: this.bytesPerMinute, at: now };
		writer.bytes = Math.min(
			this.bytesPerMinute,
			writer.bytes + ((now - writer.at) * this.bytesPerMinute) / MINUTE
		);
		writer.at = now;
		this.writers.set(userId, writer);
		const refuse = (reason: YjsRefusal['reason'], budget: number) => {
			throw new YjsRefusedError({ reason, docName: shared.name, bytes, budget });
		};
		if (bytes > writer.bytes) refuse('WRITER_BUDGET', this.bytesPerMinute);
		const budget = this.documentBudget(shared.name);
		// The log still holds whatever was deleted since the last fold; measure the real size first.
		if (shared.storedBytes + bytes > budget && shared.logRows > 0) shared.compact();
		if (shared.storedBytes + bytes > budget) refuse('DOCUMENT_BUDGET', budget);
		writer.bytes -= bytes;
		this.forgetFullBuckets(now);
	}

	/** A full bucket is the same as none: drop them now and then, so the map holds recent writers only. */
	private forgetFullBuckets(now: number) {
		if (this.writers.size < 1000) return;
		for (const [id, w] of this.writers)
			if (w.bytes + ((now - w.at) * this.bytesPerMinute) / MINUTE >= this.bytesPerMinute)
				this.writers.delete(id);
	}
}
