import { describe, expect, it } from 'vitest';
import { readRules } from '$lib/rules/clauses';
import { diffRules, textSegments } from '$lib/rules/diff';
import { chapter, clause, p, rulesDoc } from '../helpers/rules-doc';

const v1 = () =>
	readRules(
		rulesDoc(
			'村规民约',
			chapter('c1', '总则'),
			clause('a1', p('村民应当遵守法律。')),
			clause('a2', p('爱护公共设施。')),
			clause('a3', p('垃圾分类投放。')),
			clause('a4', p('禁止高空抛物。'))
		)
	);

describe('comparing two versions of the rules', () => {
	it('diffs Chinese text character by character', () => {
		expect(textSegments('村民应当遵守法律。', '全体村民应当遵守国家法律。')).toEqual([
			{ kind: 'added', text: '全体' },
			{ kind: 'same', text: '村民应当遵守' },
			{ kind: 'added', text: '国家' },
			{ kind: 'same', text: '法律。' }
		]);
		expect(textSegments('不得养鸡', '不得养鸭')).toEqual([
			{ kind: 'same', text: '不得养' },
			{ kind: 'removed', text: '鸡' },
			{ kind: 'added', text: '鸭' }
		]);
		expect(textSegments('同样', '同样')).toEqual([{ kind: 'same', text: '同样' }]);
		// An emoji (two UTF-16 units) is one character: never split into broken halves.
		expect(textSegments('👍好', '👎好')).toEqual([
			{ kind: 'removed', text: '👍' },
			{ kind: 'added', text: '👎' },
			{ kind: 'same', text: '好' }
		]);
	});

	it('finds nothing between identical versions', () => {
		expect(diffRules(v1(), v1())).toEqual({ title: null, changes: [], unchanged: 5 });
	});

	it('reports added, removed and changed clauses by id, not by number', () => {
		const v2 = readRules(
			rulesDoc(
				'村规民约（修订）',
				chapter('c1', '总则'),
				clause('n1', p('本规约经村民会议通过。')),
				clause('a1', p('村民应当遵守法律。')),
				clause('a3', p('生活垃圾分类投放。')),
				clause('a4', p('禁止高空抛物。'))
			)
		);
		const d = diffRules(v1(), v2);
		expect(d.title?.segments).toEqual([
			{ kind: 'same', text: '村规民约' },
			{ kind: 'added', text: '（修订）' }
		]);
		expect(d.changes.map((c) => [c.kind, c.id])).toEqual([
			['added', 'n1'],
			['removed', 'a2'],
			['changed', 'a3']
		]);
		const changed = d.changes[2];
		if (changed.kind !== 'changed') throw new Error('expected a change');
		expect(changed.moved).toBe(false);
		expect(changed.before.label).toBe('第三条');
		expect(changed.after.label).toBe('第三条');
		expect(changed.segments).toEqual([
			{ kind: 'added', text: '生活' },
			{ kind: 'same', text: '垃圾分类投放。' }
		]);
		// a1 and a4 were renumbered (第一条→第二条, 第四条 stays) but not changed: not reported.
		expect(d.unchanged).toBe(3);
	});

	it('reports a clause moved to another place, and one moved and changed', () => {
		const v2 = readRules(
			rulesDoc(
				'村规民约',
				chapter('c1', '总则'),
				clause('a4', p('严禁高空抛物。')),
				clause('a1', p('村民应当遵守法律。')),
				clause('a2', p('爱护公共设施。')),
				clause('a3', p('垃圾分类投放。'))
			)
		);
		const d = diffRules(v1(), v2);
		expect(d.changes).toHaveLength(1);
		const moved = d.changes[0];
		expect(moved).toMatchObject({ kind: 'changed', id: 'a4', moved: true });
		if (moved.kind !== 'changed') throw new Error('expected a change');
		expect([moved.before.label, moved.after.label]).toEqual(['第四条', '第一条']);

		const swapped = readRules(
			rulesDoc(
				'村规民约',
				chapter('c1', '总则'),
				clause('a2', p('爱护公共设施。')),
				clause('a1', p('村民应当遵守法律。')),
				clause('a3', p('垃圾分类投放。')),
				clause('a4', p('禁止高空抛物。'))
			)
		);
		const s = diffRules(v1(), swapped);
		expect(s.changes).toHaveLength(1);
		expect(s.changes[0].kind).toBe('moved');
		expect(['a1', 'a2']).toContain(s.changes[0].id);
	});

	it('puts a removed clause where it stood, between the clauses around it', () => {
		const v2 = readRules(
			rulesDoc(
				'村规民约',
				clause('a1', p('村民应当遵守法律。')),
				clause('z9', p('新增一条。')),
				clause('a4', p('禁止高空抛物。'))
			)
		);
		const d = diffRules(v1(), v2);
		expect(d.changes.map((c) => `${c.kind}:${c.id}`)).toEqual([
			'removed:c1',
			'removed:a2',
			'removed:a3',
			'added:z9'
		]);
		expect(d.changes[0].itemKind).toBe('chapter');
	});
});
