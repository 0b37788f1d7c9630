import { afterEach, describe, expect, it } from 'vitest';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '$lib/server/db';
import { community } from '$lib/server/db/schema';
import { createGroupCommit } from '$lib/server/realtime/group-commit';
import { emptyDb } from '../helpers/db-templates';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
	for (const db of dbs.splice(0)) db.$client.close();
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database in a file whose write-ahead log keeps every commit (no automatic checkpoints). */
function fileDb() {
	const dir = mkdtempSync(join(tmpdir(), 'yizhan-group-commit-'));
	dirs.push(dir);
	const path = join(dir, 'test.db');
	const db = openDatabase(path);
	dbs.push(db);
	db.$client.pragma('wal_autocheckpoint = 0');
	return { db, wal: `${path}-wal` };
}

/**
 * Transactions committed to the write-ahead log from byte `from` on: SQLite ends each commit with one
 * frame whose header holds the database's size after the commit; other frames hold 0 there.
 */
function walCommitsFrom(wal: string, from: number): number {
	if (!existsSync(wal)) return 0;
	const fd = openSync(wal, 'r');
	try {
		const header = Buffer.alloc(32);
		if (readSync(fd, header, 0, 32, 0) < 32) return 0;
		const frameSize = 24 + header.readUInt32BE(8);
		const frameHeader = Buffer.alloc(24);
		let commits = 0;
		for (let at = Math.max(from, 32); at + frameSize <= statSync(wal).size; at += frameSize) {
			readSync(fd, frameHeader, 0, 24, at);
			if (frameHeader.readUInt32BE(4) !== 0) commits++;
		}
		return commits;
	} finally {
		closeSync(fd);
	}
}

const walSize = (wal: string) => (existsSync(wal) ? statSync(wal).size : 0);

describe('group commit', () => {
	it('stores jobs of one tick in one transaction and answers each after the commit', async () => {
		const { db, wal } = fileDb();
		const before = walSize(wal);
		const commit = createGroupCommit(db);
		const names = ['甲社区', '乙社区', '丙社区'];
		const inserted = names.map((name) =>
			commit(() => db.insert(community).values({ name }).returning().get().id)
		);
		// Nothing is visible before the group transaction has run.
		expect(db.select().from(community).all()).toHaveLength(0);
		const ids = await Promise.all(inserted);
		expect(walCommitsFrom(wal, before), 'commits written for three jobs of one tick').toBe(1);
		expect(new Set(ids).size).toBe(3);
		expect(
			db
				.select()
				.from(community)
				.all()
				.map((c) => c.name)
		).toEqual(names);
	});

	it('refuses one failing job without undoing the others', async () => {
		const db = emptyDb();
		const commit = createGroupCommit(db);
		db.insert(community).values({ name: '已有' }).run();
		const results = await Promise.allSettled([
			commit(() => db.insert(community).values({ name: '新一' }).run()),
			commit(() => db.insert(community).values({ name: '已有' }).run()), // unique name: fails
			commit(() => db.insert(community).values({ name: '新二' }).run())
		]);
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect(
			db
				.select()
				.from(community)
				.all()
				.map((c) => c.name)
				.sort()
		).toEqual(['已有', '新一', '新二'].sort());
	});
});
