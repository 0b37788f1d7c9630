/**
 * A light phone: one socket.io-client that behaves like src/lib/components/meeting/live-meeting.svelte.ts
 * and the ballot code in src/lib/components/poll/receipts.ts. It reconnects by itself, joins the
 * meeting on every (re)connect, and after each join sends again, with the SAME ballot id and receipt,
 * every ballot and the check-in not yet acknowledged. What the server acknowledged goes in the ledger.
 */
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { Ack } from '$lib/realtime/protocol';
import type { CastResult } from '$lib/realtime/poll';
import { makeReceipt } from '$lib/receipt';

const ACK_TIMEOUT_MS = 10_000;
/** As receipts.ts: "not sent or no answer", so the ballot stays pending. */
const TRANSIENT = new Set(['OFFLINE', 'TIMEOUT', 'RATE_LIMITED', 'INTERNAL']);

export type SentBallot = {
	pollId: number;
	residentId: number;
	ballotId: string;
	receipt: string;
	choices: string[];
};

/** Everything the phones sent and were answered, across all phones of a run. */
export class Ledger {
	sent = new Map<string, SentBallot>();
	/** ballotId → receipts answered (one per ack) and how many acks said `duplicate: false`. */
	acked = new Map<string, { receipts: string[]; fresh: number }>();
	checkInsAcked = new Set<number>();
	checkInAcks = 0;
	/** Permanent refusals: a phone in this test never deserves one. */
	refusals: string[] = [];
	castsSent = 0;
	checkInsSent = 0;

	ackedBallotIds(pollId?: number): string[] {
		return [...this.acked.keys()].filter(
			(id) => pollId === undefined || this.sent.get(id)!.pollId === pollId
		);
	}
}

type Kept = SentBallot & { acked: boolean; inFlight: number };

export class Phone {
	readonly socket: Socket;
	joined = false;
	joins = 0;
	private wantsCheckIn = false;
	private checkedIn = false;
	private checkInFlight = false;
	readonly ballots = new Map<number, Kept>();
	private stopped = false;

	constructor(
		url: string,
		readonly residentId: number,
		cookie: string,
		private readonly meetingId: number,
		private readonly joinCode: string,
		private readonly ledger: Ledger,
		readonly transport: 'websocket' | 'polling'
	) {
		this.socket = connectSocket(url, {
			path: '/socket.io',
			transports: [transport],
			extraHeaders: { cookie },
			forceNew: true,
			reconnectionDelayMax: 5000,
			timeout: 10_000
		});
		this.socket.on('connect', () => void this.join());
		this.socket.on('disconnect', (reason) => {
			this.joined = false;
			// The server closed us (a clean shutdown): socket.io leaves reconnecting to us, as the phone does.
			if (reason === 'io server disconnect' && !this.stopped) setTimeout(() => this.socket.connect(), 500);
		});
	}

	private async join() {
		try {
			const res: Ack<unknown> = await this.socket
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('meeting:join', { meetingId: this.meetingId, as: 'phone' });
			if (!res.ok) {
				if (!TRANSIENT.has(res.error.code)) this.ledger.refusals.push(`join: ${res.error.code}`);
				setTimeout(() => this.socket.connected && void this.join(), 300);
				return;
			}
			this.joined = true;
			this.joins++;
			this.flush(true);
		} catch {
			// No answer in time: the connection is bad; start over, like the phone.
			if (this.socket.connected && !this.stopped) this.socket.disconnect().connect();
		}
	}

	checkIn() {
		this.wantsCheckIn = true;
		this.flush();
	}

	/** Makes a ballot for this poll (once; later calls keep the same ids) and sends it when joined. */
	vote(pollId: number, choices: string[]) {
		if (!this.ballots.has(pollId)) {
			const b: Kept = {
				pollId,
				residentId: this.residentId,
				ballotId: crypto.randomUUID(),
				receipt: makeReceipt(),
				choices,
				acked: false,
				inFlight: 0
			};
			this.ballots.set(pollId, b);
			this.ledger.sent.set(b.ballotId, b);
		}
		this.flush();
	}

	/**
	 * Sends the same ballot `copies` times, all at once or one after another (a nervous thumb, a
	 * retrying network stack), whether or not the phone is connected and joined just then.
	 */
	async hammer(pollId: number, copies: number, oneByOne = false) {
		const b = this.ballots.get(pollId)!;
		if (oneByOne) for (let i = 0; i < copies; i++) await this.sendBallot(b, true);
		else await Promise.all(Array.from({ length: copies }, () => this.sendBallot(b, true)));
	}

	acknowledged(pollId: number) {
		return this.ballots.get(pollId)?.acked ?? false;
	}

	get checkInDone() {
		return !this.wantsCheckIn || this.checkedIn;
	}

	/**
	 * What the phone does after every join (receipts.ts resendPending): everything not yet acknowledged
	 * goes again, even if an earlier copy may still be on its way (its ack may never come).
	 */
	flush(afterJoin = false) {
		if (!this.joined || this.stopped) return;
		if (this.wantsCheckIn && !this.checkedIn && (afterJoin || !this.checkInFlight)) void this.sendCheckIn();
		for (const b of this.ballots.values())
			if (!b.acked && (afterJoin || b.inFlight === 0)) void this.sendBallot(b, false);
	}

	private async sendCheckIn() {
		this.checkInFlight = true;
		this.ledger.checkInsSent++;
		try {
			const res: Ack<unknown> = await this.socket
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('attendance:checkIn', { meetingId: this.meetingId, code: this.joinCode });
			if (res.ok) {
				this.checkedIn = true;
				this.ledger.checkInsAcked.add(this.residentId);
				this.ledger.checkInAcks++;
			} else if (!TRANSIENT.has(res.error.code)) {
				this.ledger.refusals.push(`checkIn ${this.residentId}: ${res.error.code}`);
				this.checkedIn = true; // refused for good: nothing to resend
			} else this.retrySoon();
		} catch {
			// Disconnected or no answer: sent again after the next join, or tapped again if still connected.
			if (this.joined) this.retrySoon();
		} finally {
			this.checkInFlight = false;
		}
	}

	private async sendBallot(b: Kept, force: boolean) {
		if (!force && (!this.joined || b.acked)) return;
		b.inFlight++;
		this.ledger.castsSent++;
		const { pollId, ballotId, receipt, choices } = b;
		try {
			const res: Ack<CastResult> = await this.socket
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('ballot:cast', { pollId, ballotId, receipt, choices });
			if (res.ok) {
				b.acked = true;
				const entry = this.ledger.acked.get(ballotId) ?? { receipts: [], fresh: 0 };
				entry.receipts.push(res.data.receipt);
				if (!res.data.duplicate) entry.fresh++;
				this.ledger.acked.set(ballotId, entry);
			} else if (!TRANSIENT.has(res.error.code)) {
				this.ledger.refusals.push(`ballot ${ballotId}: ${res.error.code}`);
				b.acked = true; // refused for good (the phone drops it); the test fails on any refusal
			} else this.retrySoon();
		} catch {
			// Disconnected or no answer: the ballot stays pending and goes again after the next join; if
			// the phone stayed connected, the voter taps 投票 again a moment later (same ids).
			if (this.joined) this.retrySoon();
		} finally {
			b.inFlight--;
		}
	}

	private retrySoon() {
		setTimeout(() => this.flush(), 200 + Math.random() * 300);
	}

	/** For a stuck phone: what it is waiting for. */
	describe(pollId: number): string {
		const b = this.ballots.get(pollId);
		return JSON.stringify({
			transport: this.transport,
			connected: this.socket.connected,
			joined: this.joined,
			ballot: b ? (b.acked ? 'acked' : `pending, ${b.inFlight} in flight`) : 'none',
			checkIn: this.checkedIn
				? 'acked'
				: this.wantsCheckIn
					? this.checkInFlight
						? 'in flight'
						: 'pending'
					: 'not yet'
		});
	}

	close() {
		this.stopped = true;
		this.socket.close();
	}
}
