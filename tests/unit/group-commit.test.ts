import { describe, expect, it } from 'vitest';
import { openDatabase } from '$lib/server/db';
import { community } from '$lib/server/db/schema';
import { createGroupCommit } from '$lib/server/realtime/group-commit';

describe('group commit', () => {
	it('stores jobs of one tick in one transaction and answers each after the commit', async () => {
		const db = openDatabase(':memory:');
		const commit = createGroupCommit(db);
		const names = ['甲社区', '乙社区', '丙社区'];
		const inserted = names.map((name) =>
			commit(() => db.insert(community).values({ name }).returning().get().id)
		);
		// Nothing is visible before the group transaction has run.
		expect(db.select().from(community).all()).toHaveLength(0);
		const ids = await Promise.all(inserted);
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
		const db = openDatabase(':memory:');
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
