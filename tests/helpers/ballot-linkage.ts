/**
 * The attack on a secret poll from a copy of its files, and how to judge it.
 *
 * The attacker knows who voted and in what order (`poll_vote` is public), and every receipt (the
 * published list after close; the ballot box's cells while open). It looks for each receipt's bytes
 * in every page image it holds (main file pages and every WAL frame, stale ones too; live cells,
 * deleted cells and slack alike) and ranks the receipts by when they were written: the first WAL
 * commit that holds them, then, inside a page, by offset from the end of the page (SQLite writes each
 * new cell below the previous one). Receipts it finds nowhere go last, in published (sorted) order.
 * Then it pairs the i-th voter with the i-th receipt.
 *
 * Judged against the truth the test keeps (each voter's receipt), with two statistics that have a
 * known distribution when the storage order says nothing about the voting order (a uniformly random
 * permutation of it):
 * - `linked`: voters paired with their own receipt = fixed points of a random permutation, about
 *   Poisson(1) whatever the number of voters (P(≥ 6) ≈ 0.0006); on a layout in voting order, all.
 * - `z`: Kendall's S (concordant minus discordant pairs between voting order and storage order) over
 *   its standard deviation √(n(n−1)(2n+5)/18); about N(0, 1) by chance, so a partial order leak (whole
 *   groups stored in order) shows even where exact pairs do not. |z| > 3.5 has P ≈ 0.0005 by chance.
 * Within commit batches the same statistics are summed over batches: linked ~ Poisson(batches).
 */
import { RECEIPT_PATTERN } from '$lib/receipt';
import { cellsOf, type PageImage } from './sqlite-pages';

export type Evidence = { commit: number; offset: number };

/**
 * Where each receipt's bytes lie in any page image (live cells, deleted cells left in free blocks,
 * slack space, stale WAL frames): its earliest commit, and there its highest offset in the page.
 */
export function findReceipts(images: PageImage[], receipts: Iterable<string>): Map<string, Evidence> {
	const wanted = [...receipts];
	const found = new Map<string, Evidence>();
	for (const img of images) {
		const page = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
		for (const r of wanted)
			for (let at = page.indexOf(r); at >= 0; at = page.indexOf(r, at + 1)) {
				const old = found.get(r);
				if (!old || img.commit < old.commit || (img.commit === old.commit && at > old.offset))
					found.set(r, { commit: img.commit, offset: at });
			}
	}
	return found;
}

/** Receipts of the ballot box's live cells, read through the cell pointers: rows (poll id, receipt, choices). */
export function boxReceipts(images: PageImage[], pollId: number): Set<string> {
	const out = new Set<string>();
	for (const img of images)
		for (const { values: v } of cellsOf(img)?.cells ?? [])
			if (v.length === 3 && v[0] === pollId && typeof v[1] === 'string' && typeof v[2] === 'string')
				if (RECEIPT_PATTERN.test(v[1]) && v[2].startsWith('[')) out.add(v[1]);
	return out;
}

/** The attacker's storage order of the receipts: written earlier first. */
export function storageOrder(receipts: string[], found: Map<string, Evidence>): string[] {
	const seen = receipts.filter((r) => found.has(r));
	seen.sort((a, b) => {
		const x = found.get(a)!;
		const y = found.get(b)!;
		return x.commit - y.commit || y.offset - x.offset;
	});
	const unseen = receipts.filter((r) => !found.has(r)).sort();
	return [...seen, ...unseen];
}

export type Linkage = { n: number; linked: number; s: number; variance: number; z: number };

/** Kendall's S and the exact pairs of one group: `truth` in voting order, `order` the attacker's. */
function judge(truth: string[], order: string[]): Linkage {
	const pos = new Map(order.map((r, i) => [r, i]));
	const b = truth.map((r) => pos.get(r)!);
	const n = truth.length;
	let s = 0;
	for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(b[j] - b[i]);
	const linked = truth.filter((r, i) => order[i] === r).length;
	const variance = (n * (n - 1) * (2 * n + 5)) / 18;
	return { n, linked, s, variance, z: variance ? s / Math.sqrt(variance) : 0 };
}

/** The attacker pairs voters (their true receipts, in voting order) with receipts in storage order. */
export function linkage(truthInVotingOrder: string[], found: Map<string, Evidence>): Linkage {
	return judge(truthInVotingOrder, storageOrder(truthInVotingOrder, found));
}

/** The same, inside each commit batch (the anonymity set conceded while a poll is open). */
export function linkageWithinBatches(
	batches: string[][],
	found: Map<string, Evidence>
): Linkage & { batches: number } {
	const groups = batches.filter((b) => b.length > 1).map((b) => judge(b, storageOrder(b, found)));
	const s = groups.reduce((t, g) => t + g.s, 0);
	const variance = groups.reduce((t, g) => t + g.variance, 0);
	return {
		batches: groups.length,
		n: groups.reduce((t, g) => t + g.n, 0),
		linked: groups.reduce((t, g) => t + g.linked, 0),
		s,
		variance,
		z: variance ? s / Math.sqrt(variance) : 0
	};
}

/** The smallest k with P(X ≥ k) < alpha for X ~ Poisson(lambda): more exact pairs than chance allows. */
export function poissonLimit(lambda: number, alpha = 0.001): number {
	let p = Math.exp(-lambda);
	let below = 0;
	for (let k = 0; ; k++) {
		if (1 - below < alpha) return k;
		below += p;
		p *= lambda / (k + 1);
	}
}
