/**
 * Checks straight on the SQLite file (the server may be dead while they run): what was acknowledged
 * is stored exactly once, nothing is stored that no phone sent, edits that reached a peer are in the
 * stored document, and open polls kept their deadlines. Each returns what it found rather than
 * throwing, so a run can count and report before it fails.
 */
import { and, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Db } from '$lib/server/db';
import { attendance, poll, pollBallotAlias, pollVote } from '$lib/server/db/schema';
import { loadDocState } from '$lib/server/yjs/store';
import { tokensIn, type DocKind } from './editor';
import type { Ledger } from './phone';

export type Findings = { lost: string[]; duplicated: string[]; wrong: string[] };

export const noFindings = (): Findings => ({ lost: [], duplicated: [], wrong: [] });

export function merge(into: Findings, more: Findings) {
	into.lost.push(...more.lost);
	into.duplicated.push(...more.duplicated);
	into.wrong.push(...more.wrong);
}

/** Every acknowledged ballot of these polls stored once, as sent; every stored ballot one a phone sent. */
export function checkBallots(db: Db, ledger: Ledger, pollIds: number[]): Findings {
	const f = noFindings();
	for (const pollId of pollIds) {
		const rows = db.select().from(pollVote).where(eq(pollVote.pollId, pollId)).all();
		const byBallot = new Map<string, typeof rows>();
		const byUnit = new Map<string, number>();
		for (const r of rows) {
			byBallot.set(r.ballotId, [...(byBallot.get(r.ballotId) ?? []), r]);
			byUnit.set(r.unitKey, (byUnit.get(r.unitKey) ?? 0) + 1);
			const sent = ledger.sent.get(r.ballotId);
			if (!sent) f.wrong.push(`poll ${pollId}: stored ballot ${r.ballotId} that no phone sent`);
			else if (r.receipt !== sent.receipt || JSON.stringify(r.choices) !== JSON.stringify(sent.choices))
				f.wrong.push(`poll ${pollId}: ballot ${r.ballotId} stored with other receipt or choices`);
		}
		for (const [unit, n] of byUnit) if (n > 1) f.duplicated.push(`poll ${pollId}: ${n} ballots of ${unit}`);
		for (const ballotId of ledger.ackedBallotIds(pollId)) {
			const stored = byBallot.get(ballotId) ?? [];
			if (stored.length === 0) f.lost.push(`poll ${pollId}: acknowledged ballot ${ballotId}`);
			if (stored.length > 1) f.duplicated.push(`poll ${pollId}: ballot ${ballotId} stored ${stored.length}×`);
			const alias = db
				.select()
				.from(pollBallotAlias)
				.where(and(eq(pollBallotAlias.pollId, pollId), eq(pollBallotAlias.ballotId, ballotId)))
				.all();
			if (stored.length === 1 && (alias.length !== 1 || alias[0].voteId !== stored[0].id))
				f.wrong.push(`poll ${pollId}: ballot ${ballotId} without its alias row`);
			const { receipts, fresh } = ledger.acked.get(ballotId)!;
			const sent = ledger.sent.get(ballotId)!;
			if (receipts.some((r) => r !== sent.receipt))
				f.duplicated.push(`poll ${pollId}: ballot ${ballotId} answered with another receipt`);
			if (fresh > 1) f.duplicated.push(`poll ${pollId}: ballot ${ballotId} acknowledged as new ${fresh}×`);
		}
	}
	return f;
}

/** Every acknowledged check-in stored (present), once per resident. */
export function checkAttendance(db: Db, meetingId: number, ledger: Ledger): Findings {
	const f = noFindings();
	const rows = db.select().from(attendance).where(eq(attendance.meetingId, meetingId)).all();
	const byResident = new Map<number, typeof rows>();
	for (const r of rows) byResident.set(r.residentId, [...(byResident.get(r.residentId) ?? []), r]);
	for (const residentId of ledger.checkInsAcked) {
		const stored = byResident.get(residentId) ?? [];
		if (stored.length === 0 || !stored[0].present) f.lost.push(`check-in of resident ${residentId}`);
		if (stored.length > 1) f.duplicated.push(`check-in of resident ${residentId} stored ${stored.length}×`);
	}
	return f;
}

/** A document as the server would load it from the file. */
export function storedTokens(db: Db, kind: DocKind, docName: string): string[] {
	const doc = new Y.Doc();
	try {
		loadDocState(db, docName, doc);
		return tokensIn(kind, doc);
	} finally {
		doc.destroy();
	}
}

/** `mustHave` (edits that reached a peer, or every edit once converged) stored, and no edit twice. */
export function checkDoc(db: Db, kind: DocKind, docName: string, mustHave: Iterable<string>): Findings {
	const f = noFindings();
	const counts = new Map<string, number>();
	for (const t of storedTokens(db, kind, docName)) counts.set(t, (counts.get(t) ?? 0) + 1);
	for (const t of mustHave) if (!counts.has(t)) f.lost.push(`${docName}: edit ${t}`);
	for (const [t, n] of counts) if (n > 1) f.duplicated.push(`${docName}: edit ${t} ${n}×`);
	return f;
}

/** Polls that were open are still open, with the deadline they were opened with. */
export function checkOpenPolls(db: Db, deadlines: Map<number, number>): Findings {
	const f = noFindings();
	for (const [pollId, closesAt] of deadlines) {
		const p = db.select().from(poll).where(eq(poll.id, pollId)).get();
		if (p?.status !== 'open') f.wrong.push(`poll ${pollId} is ${p?.status} after a restart`);
		else if (p.closesAt?.getTime() !== closesAt)
			f.wrong.push(`poll ${pollId} deadline moved from ${closesAt} to ${p.closesAt?.getTime()}`);
	}
	return f;
}

/** Votes per option counted from the stored named ballots. */
export function storedTally(db: Db, pollId: number): Record<string, number> {
	const perOption: Record<string, number> = { yes: 0, no: 0, abstain: 0 };
	for (const v of db.select().from(pollVote).where(eq(pollVote.pollId, pollId)).all())
		for (const c of v.choices ?? []) perOption[c]++;
	return perOption;
}

export const storedBallotCount = (db: Db, pollId: number) =>
	db.select().from(pollVote).where(eq(pollVote.pollId, pollId)).all().length;
