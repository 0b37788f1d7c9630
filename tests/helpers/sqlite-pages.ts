/**
 * Reads SQLite files the way someone holding a copy would, without SQLite: the main file's pages,
 * every frame of the `-wal` (valid or stale), the page numbers the `-shm` lists, and the cells of any
 * b-tree page image with their byte offsets. Format: https://www.sqlite.org/fileformat2.html
 */
import { existsSync, readFileSync } from 'node:fs';

export type Value = number | bigint | string | Uint8Array | null;
export type Cell = {
	/** Where the cell's bytes start in the page (SQLite fills a page from its end downwards). */
	offset: number;
	/** Table b-trees: the rowid; WITHOUT ROWID tables and indexes have none. */
	rowid: number | null;
	/** The record's columns, as far as the page holds them (an overflowing record is cut short). */
	values: Value[];
};
export type BtreePage = { type: number; cells: Cell[]; rightChild: number | null; children: number[] };
/**
 * One page image: from the main file (`frame` null) or from a WAL frame. `commit` orders what was
 * written when: stale frames a checkpoint left behind (older generations) < the main file (-1) <
 * the current WAL's commits 0, 1, 2, …
 */
export type PageImage = { pgno: number; data: Uint8Array; frame: number | null; commit: number };

const u16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];
const u32 = (d: Uint8Array, o: number) =>
	((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;

function varint(d: Uint8Array, o: number): [bigint, number] {
	let v = 0n;
	for (let i = 0; i < 8; i++) {
		const b = d[o + i];
		v = (v << 7n) | BigInt(b & 0x7f);
		if (b < 0x80) return [v, i + 1];
	}
	return [(v << 8n) | BigInt(d[o + 8]), 9];
}

const text = new TextDecoder('utf-8', { fatal: false });

/** The record format: a header of serial types, then the values. Stops at the end of `d`. */
export function parseRecord(d: Uint8Array): Value[] {
	const [hsize, n0] = varint(d, 0);
	const types: bigint[] = [];
	for (let o = n0; o < Number(hsize) && o < d.length;) {
		const [t, n] = varint(d, o);
		types.push(t);
		o += n;
	}
	const out: Value[] = [];
	let o = Number(hsize);
	for (const t of types) {
		if (o > d.length) break;
		const ty = Number(t);
		if (ty === 0) out.push(null);
		else if (ty >= 1 && ty <= 6) {
			const len = [0, 1, 2, 3, 4, 6, 8][ty];
			let v = 0n;
			for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(d[o + i] ?? 0);
			if (len > 0 && (d[o] ?? 0) & 0x80) v -= 1n << BigInt(len * 8); // two's complement
			out.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
			o += len;
		} else if (ty === 7) {
			out.push(new DataView(d.buffer, d.byteOffset + o, 8).getFloat64(0));
			o += 8;
		} else if (ty === 8 || ty === 9) out.push(ty - 8);
		else if (ty >= 12) {
			const len = ty % 2 === 0 ? (ty - 12) / 2 : (ty - 13) / 2;
			const bytes = d.subarray(o, o + len);
			out.push(ty % 2 === 0 ? bytes : text.decode(bytes));
			o += len;
		} else out.push(null);
	}
	return out;
}

/** How much of a payload of `p` bytes a page keeps before it spills to overflow pages. */
function localPayload(p: number, usable: number, table: boolean): number {
	const x = table ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
	if (p <= x) return p;
	const m = Math.floor(((usable - 12) * 32) / 255) - 23;
	const k = m + ((p - m) % (usable - 4));
	return k <= x ? k : m;
}

const TYPES = new Set([2, 5, 10, 13]);

/** The cells of one b-tree page image (`headerAt` 100 for page 1), or null when it is not one. */
export function parseBtreePage(data: Uint8Array, headerAt = 0): BtreePage | null {
	const type = data[headerAt];
	if (!TYPES.has(type)) return null;
	const interior = type === 2 || type === 5;
	const n = u16(data, headerAt + 3);
	const ptrs = headerAt + (interior ? 12 : 8);
	if (ptrs + 2 * n > data.length) return null;
	const cells: Cell[] = [];
	const children: number[] = [];
	for (let i = 0; i < n; i++) {
		const offset = u16(data, ptrs + 2 * i);
		if (offset < ptrs + 2 * n || offset >= data.length) return null;
		let o = offset;
		if (interior) {
			children.push(u32(data, o));
			o += 4;
		}
		if (type === 5) {
			const [rowid] = varint(data, o);
			cells.push({ offset, rowid: Number(rowid), values: [] });
			continue;
		}
		const [size, a] = varint(data, o);
		o += a;
		let rowid: number | null = null;
		if (type === 13) {
			const [r, b] = varint(data, o);
			rowid = Number(r);
			o += b;
		}
		const local = localPayload(Number(size), data.length, type === 13);
		try {
			cells.push({ offset, rowid, values: parseRecord(data.subarray(o, Math.min(o + local, data.length))) });
		} catch {
			return null;
		}
	}
	return { type, cells, rightChild: interior ? u32(data, headerAt + 8) : null, children };
}

export type DbFile = { pageSize: number; pages: Uint8Array[] };

export function readDbFile(path: string): DbFile {
	const buf = new Uint8Array(readFileSync(path));
	const raw = u16(buf, 16);
	const pageSize = raw === 1 ? 65536 : raw;
	const pages: Uint8Array[] = [];
	for (let o = 0; o + pageSize <= buf.length; o += pageSize) pages.push(buf.subarray(o, o + pageSize));
	return { pageSize, pages };
}

export type WalFrame = {
	/** 1-based position in the file. */
	index: number;
	pgno: number;
	/** Non-zero on the frame that commits a transaction (the database size in pages). */
	commitSize: number;
	salt: [number, number];
	/** Frames written under the WAL header's current salts; the others are left over from before a restart. */
	current: boolean;
	data: Uint8Array;
};

/** Every frame the `-wal` file holds, in file order, including stale ones a checkpoint left behind. */
export function readWal(path: string): { pageSize: number; frames: WalFrame[]; bytes: number } {
	if (!existsSync(path)) return { pageSize: 0, frames: [], bytes: 0 };
	const buf = new Uint8Array(readFileSync(path));
	if (buf.length < 32) return { pageSize: 0, frames: [], bytes: buf.length };
	const pageSize = u32(buf, 8);
	const salt: [number, number] = [u32(buf, 16), u32(buf, 20)];
	const frames: WalFrame[] = [];
	for (let o = 32, i = 1; o + 24 + pageSize <= buf.length; o += 24 + pageSize, i++) {
		const fs: [number, number] = [u32(buf, o + 8), u32(buf, o + 12)];
		frames.push({
			index: i,
			pgno: u32(buf, o),
			commitSize: u32(buf, o + 4),
			salt: fs,
			current: fs[0] === salt[0] && fs[1] === salt[1],
			data: buf.subarray(o + 24, o + 24 + pageSize)
		});
	}
	return { pageSize, frames, bytes: buf.length };
}

/**
 * The `-shm` wal-index (little-endian on this machine): the frame count the header claims and the
 * page number it lists for each frame slot of the first hash block (stale slots included).
 */
export function readShm(path: string): { mxFrame: number; pgnos: number[]; bytes: Uint8Array } {
	if (!existsSync(path)) return { mxFrame: 0, pgnos: [], bytes: new Uint8Array() };
	const bytes = new Uint8Array(readFileSync(path));
	if (bytes.length < 136) return { mxFrame: 0, pgnos: [], bytes };
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
	const mxFrame = view.getUint32(16, true);
	const pgnos: number[] = [];
	for (let i = 0; i < 4062 && 136 + 4 * i + 4 <= bytes.length; i++)
		pgnos.push(view.getUint32(136 + 4 * i, true));
	return { mxFrame, pgnos, bytes };
}

/** Every page image an attacker holding the files can read: the main file's pages, then each WAL frame. */
export function pageImages(dbPath: string): PageImage[] {
	const db = readDbFile(dbPath);
	const wal = readWal(`${dbPath}-wal`);
	const out: PageImage[] = db.pages.map((data, i) => ({ pgno: i + 1, data, frame: null, commit: -1 }));
	let current = 0;
	let stale = -1_000_000;
	for (const f of wal.frames) {
		out.push({ pgno: f.pgno, data: f.data, frame: f.index, commit: f.current ? current : stale });
		if (f.commitSize) {
			if (f.current) current++;
			else stale++;
		}
	}
	return out;
}

/** The cells of a page image, whatever the page is (page 1's header sits after the 100-byte file header). */
export function cellsOf(img: PageImage): BtreePage | null {
	return parseBtreePage(img.data, img.pgno === 1 ? 100 : 0);
}

/** Occurrences of `needle` (ASCII) in `hay`. */
export function countBytes(hay: Uint8Array, needle: string): number {
	const b = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength);
	let count = 0;
	for (let i = b.indexOf(needle); i >= 0; i = b.indexOf(needle, i + 1)) count++;
	return count;
}
