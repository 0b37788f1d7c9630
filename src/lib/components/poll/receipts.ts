/**
 * The phone's side of a ballot (选票): its id and receipt code are made here, kept in localStorage
 * until the server acknowledges them, and sent again with the SAME ids after a reconnect or a reload,
 * so a retry can only ever return the same receipt, never count a second ballot. The receipt stays
 * afterwards so the voter can still read it (and check it on the resolution page) after a reload.
 */
import type { Ack } from '$lib/realtime/protocol';
import type { CastPayload, CastResult } from '$lib/realtime/poll';

export { makeReceipt, RECEIPT_ALPHABET, RECEIPT_LENGTH } from '$lib/receipt';
import { makeReceipt } from '$lib/receipt';

/** A ballot as kept on this phone: `acked` once the server has stored it. */
export type KeptBallot = {
	ballotId: string;
	receipt: string;
	choices: string[];
	forResidentId?: number;
	acked: boolean;
};

/** Whose ballot: the user's own ('self') or a resident they are proxy for. */
export type VoterKey = 'self' | `${number}`;

const PREFIX = 'yizhan.ballots.';

/** One entry per poll and per signed-in resident (a shared phone keeps each person's ballots apart). */
function storageKey(pollId: number, owner: number | null): string {
	return `${PREFIX}${pollId}.${owner ?? 'anon'}`;
}

function storage(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null; // private mode or storage disabled
	}
}

function read(pollId: number, owner: number | null): Record<string, KeptBallot> {
	const raw = storage()?.getItem(storageKey(pollId, owner));
	if (!raw) return {};
	try {
		const parsed = JSON.parse(raw) as unknown;
		return parsed && typeof parsed === 'object' ? (parsed as Record<string, KeptBallot>) : {};
	} catch {
		return {};
	}
}

function write(pollId: number, owner: number | null, data: Record<string, KeptBallot>) {
	try {
		const s = storage();
		if (!s) return;
		if (Object.keys(data).length === 0) s.removeItem(storageKey(pollId, owner));
		else s.setItem(storageKey(pollId, owner), JSON.stringify(data));
	} catch {
		// Storage full: the ballot is still sent; only a reload would lose the receipt.
	}
}

export function voterKey(forResidentId?: number | null): VoterKey {
	return forResidentId ? `${forResidentId}` : 'self';
}

/** The ballot this phone holds for one voter in one poll (pending or acknowledged), if any. */
export function keptBallot(pollId: number, owner: number | null, voter: VoterKey): KeptBallot | null {
	return read(pollId, owner)[voter] ?? null;
}

/**
 * The ballot to send for a voter: the one still waiting for its ack if there is one (same ids), or a
 * new one (a change of a counted ballot, when the poll allows changes, gets new ids).
 */
export function prepareBallot(
	pollId: number,
	owner: number | null,
	choices: string[],
	forResidentId?: number
): KeptBallot {
	const all = read(pollId, owner);
	const voter = voterKey(forResidentId);
	const pending = all[voter];
	if (pending && !pending.acked && sameChoices(pending.choices, choices)) return pending;
	const ballot: KeptBallot = {
		ballotId: crypto.randomUUID(),
		receipt: makeReceipt(),
		choices: [...choices],
		...(forResidentId ? { forResidentId } : {}),
		acked: false
	};
	all[voter] = ballot;
	write(pollId, owner, all);
	return ballot;
}

function sameChoices(a: string[], b: string[]): boolean {
	return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** The server stored it: keep the receipt it answered with (the same one, for a retry). */
export function markAcked(pollId: number, owner: number | null, ballotId: string, receipt: string) {
	const all = read(pollId, owner);
	for (const b of Object.values(all)) {
		if (b.ballotId === ballotId) {
			b.acked = true;
			b.receipt = receipt;
		}
	}
	write(pollId, owner, all);
}

/** The server refused it for good (closed poll, not eligible…): nothing to resend. */
export function dropBallot(pollId: number, owner: number | null, ballotId: string) {
	const all = read(pollId, owner);
	for (const [k, b] of Object.entries(all)) if (b.ballotId === ballotId && !b.acked) delete all[k];
	write(pollId, owner, all);
}

export function castPayload(pollId: number, b: KeptBallot): CastPayload {
	return {
		pollId,
		ballotId: b.ballotId,
		receipt: b.receipt,
		choices: b.choices,
		...(b.forResidentId ? { forResidentId: b.forResidentId } : {})
	};
}

/** Codes that mean "not sent or no answer": the ballot stays pending and is sent again later. */
export function isTransient(code: string): boolean {
	return code === 'OFFLINE' || code === 'TIMEOUT' || code === 'RATE_LIMITED' || code === 'INTERNAL';
}

/**
 * Sends every ballot of this poll still waiting for its ack (after a reconnect or a reload) with the
 * same ids; returns how many were settled (acknowledged or refused for good).
 */
export async function resendPending(
	pollId: number,
	owner: number | null,
	send: (p: CastPayload) => Promise<Ack<CastResult>>
): Promise<number> {
	let settled = 0;
	for (const b of Object.values(read(pollId, owner))) {
		if (b.acked) continue;
		const res = await send(castPayload(pollId, b));
		if (res.ok) {
			markAcked(pollId, owner, b.ballotId, res.data.receipt);
			settled++;
		} else if (!isTransient(res.error.code)) {
			dropBallot(pollId, owner, b.ballotId);
			settled++;
		}
	}
	return settled;
}
