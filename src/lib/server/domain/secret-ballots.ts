/**
 * What keeps a secret poll's voters and choices apart in storage, not only in queries (the threat
 * model is in docs/reliability.md, "Threats"):
 * - Who voted (`poll_vote`) and what was chosen (the ballot box, `poll_choice`, keyed by receipt) share
 *   no key, time or sequence.
 * - Within a group commit the box rows are written last, in a random order, so their order in a page
 *   or in the WAL says nothing about which vote row came with which.
 * - At close the choices go into the resolution as one list sorted by receipt, and the box rows are
 *   deleted (the storage layer zeroes them and truncates its log: db/scrub.ts).
 * - A retry must prove its receipt: the vote row keeps SHA-256(poll, ballot id, receipt) and looks the
 *   ballot up by SHA-256(poll, ballot id). The ballot id is a random UUID the phone keeps and the
 *   database never stores, so a copy of the file cannot test which receipt belongs to which voter, and
 *   no key outside the database is needed (a restored copy checks retries as before).
 */
import { createHash, randomInt } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { prepared } from '../db/prepared';
import { pollBallotAlias, pollChoice } from '../db/schema';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** How a ballot id is stored: as sent for a named poll, hashed for a secret one. */
export function storedBallotId(pollId: number, secret: boolean, ballotId: string): string {
	return secret ? sha256(`yizhan:ballot-id\0${pollId}\0${ballotId}`) : ballotId;
}

/** What a secret ballot's retry must reproduce: only the phone that holds the ballot id can. */
export function receiptCheck(pollId: number, ballotId: string, receipt: string): string {
	return sha256(`yizhan:receipt\0${pollId}\0${ballotId}\0${receipt}`);
}

type BoxEntry = { pollId: number; receipt: string; choices: string[]; storedId: string };

/** The box rows of the group commit under way, by database handle. */
const batches = new WeakMap<Db, BoxEntry[]>();

function insertChoice(db: Db, e: BoxEntry) {
	prepared(db, 'secret.addChoice', (db) =>
		db
			.insert(pollChoice)
			.values({
				pollId: sql.placeholder('pollId'),
				receipt: sql.placeholder('receipt'),
				choices: sql.placeholder('choices')
			})
			.prepare()
	).run({ pollId: e.pollId, receipt: e.receipt, choices: e.choices });
}

/**
 * Puts a secret choice in the box: at the end of the group commit under way (`shuffleBallotBox`), or
 * at once when the ballot commits alone (the no-JavaScript form).
 */
export function putInBallotBox(db: Db, e: BoxEntry) {
	const batch = batches.get(db);
	if (batch) batch.push(e);
	else insertChoice(db, e);
}

/** Is this receipt already in the poll's box (stored, or waiting in this batch)? */
export function receiptInBallotBox(db: Db, pollId: number, receipt: string): boolean {
	if (batches.get(db)?.some((e) => e.pollId === pollId && e.receipt === receipt)) return true;
	const row = prepared(db, 'secret.choiceReceipt', (db) =>
		db
			.select({ r: pollChoice.receipt })
			.from(pollChoice)
			.where(
				and(
					eq(pollChoice.pollId, sql.placeholder('pollId')),
					eq(pollChoice.receipt, sql.placeholder('receipt'))
				)
			)
			.prepare()
	).get({ pollId, receipt });
	return row !== undefined;
}

/** Fisher–Yates with the system's cryptographic generator: an order nobody can predict or replay. */
function shuffle<T>(xs: T[]): T[] {
	for (let i = xs.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[xs[i], xs[j]] = [xs[j], xs[i]];
	}
	return xs;
}

/**
 * Runs a group commit's jobs (inside its transaction), then writes their secret choices in a random
 * order, after every vote row of the batch. A job whose savepoint was rolled back after it queued its
 * choice left no alias row: its choice is dropped with it.
 */
export function shuffleBallotBox<T>(db: Db, fn: () => T): T {
	if (batches.has(db)) return fn();
	const batch: BoxEntry[] = [];
	batches.set(db, batch);
	try {
		const result = fn();
		batches.delete(db);
		for (const e of shuffle(batch)) if (aliasStored(db, e)) insertChoice(db, e);
		return result;
	} finally {
		batches.delete(db);
	}
}

function aliasStored(db: Db, e: BoxEntry): boolean {
	const row = prepared(db, 'secret.aliasStored', (db) =>
		db
			.select({ v: pollBallotAlias.voteId })
			.from(pollBallotAlias)
			.where(
				and(
					eq(pollBallotAlias.pollId, sql.placeholder('pollId')),
					eq(pollBallotAlias.ballotId, sql.placeholder('ballotId'))
				)
			)
			.prepare()
	).get({ pollId: e.pollId, ballotId: e.storedId });
	return row !== undefined;
}

/** The box's choices, for the count (no order, no receipt needed). */
export function ballotBoxChoices(db: Db, pollId: number): Array<{ receipt: string; choices: string[] }> {
	return db
		.select({ receipt: pollChoice.receipt, choices: pollChoice.choices })
		.from(pollChoice)
		.where(eq(pollChoice.pollId, pollId))
		.all();
}

/** At close, once the resolution holds the choices: the box rows go (zeroed by the storage layer). */
export function emptyBallotBox(tx: Db | Tx, pollId: number) {
	tx.delete(pollChoice).where(eq(pollChoice.pollId, pollId)).run();
}
