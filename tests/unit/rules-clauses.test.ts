import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clausesOf, isEmptyRules, readRules } from '$lib/rules/clauses';
import { RULES_FRAGMENT } from '$lib/rules/schema';
import { b, bullets, chapter, clause, ordered, p, rulesDoc } from '../helpers/rules-doc';

describe('reading a rules document from Yjs', () => {
	it('numbers clauses through the whole document and chapters separately', () => {
		const doc = rulesDoc(
			'湖畔村村规民约',
			chapter('c1', '总则'),
			clause('a1', p('为了加强村民自治，制定本村规民约。')),
			clause('a2', p('本村规民约适用于本村全体村民。')),
			chapter('c2', '环境卫生'),
			clause('a3', p('垃圾分类投放。'))
		);
		const rules = readRules(doc);
		expect(rules.title).toBe('湖畔村村规民约');
		expect(rules.items.map((i) => [i.kind, i.id, i.number, i.label])).toEqual([
			['chapter', 'c1', 1, '第一章'],
			['clause', 'a1', 1, '第一条'],
			['clause', 'a2', 2, '第二条'],
			['chapter', 'c2', 2, '第二章'],
			['clause', 'a3', 3, '第三条']
		]);
		expect(rules.items[0].text).toBe('总则');
		expect(clausesOf(rules).map((c) => c.text)).toEqual([
			'为了加强村民自治，制定本村规民约。',
			'本村规民约适用于本村全体村民。',
			'垃圾分类投放。'
		]);
	});

	it('gives plain text: paragraphs on their own lines, bold dropped, list items prefixed', () => {
		const doc = rulesDoc(
			'村规民约',
			clause(
				'a1',
				p('村民应当', b('爱护'), '公共设施。'),
				bullets([p('不乱扔垃圾')], [p('不占用消防通道'), ordered(1, [p('楼道')], [p('门口')])]),
				ordered(3, [p('第三项')], [p('第四项')]),
				p('违者批评教育。')
			)
		);
		expect(readRules(doc).items[0].text).toBe(
			[
				'村民应当爱护公共设施。',
				'• 不乱扔垃圾',
				'• 不占用消防通道',
				'  1. 楼道',
				'  2. 门口',
				'3. 第三项',
				'4. 第四项',
				'违者批评教育。'
			].join('\n')
		);
	});

	it('reads a document built by hand from Y.XmlElement and Y.XmlText (what the server may hold)', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment(RULES_FRAGMENT);
		const title = new Y.XmlElement('rulesTitle');
		title.insert(0, [new Y.XmlText('手写的标题')]);
		const c = new Y.XmlElement('clause');
		c.setAttribute('id', 'hand1');
		const para = new Y.XmlElement('paragraph');
		const t = new Y.XmlText();
		para.insert(0, [t]);
		c.insert(0, [para]);
		fragment.insert(0, [title, c]);
		t.insert(0, '第一句');
		t.insert(3, '加粗', { bold: {} });
		const rules = readRules(doc);
		expect(rules).toEqual({
			title: '手写的标题',
			items: [{ kind: 'clause', id: 'hand1', number: 1, label: '第一条', text: '第一句加粗' }]
		});
	});

	it('renumbers when a clause is removed or added, keeping each clause’s id', () => {
		const doc = rulesDoc('规约', clause('a1', p('一')), clause('a2', p('二')), clause('a3', p('三')));
		const fragment = doc.getXmlFragment(RULES_FRAGMENT);
		fragment.delete(1, 1); // a1 (index 0 is the title)
		const items = readRules(doc).items;
		expect(items.map((i) => `${i.label}:${i.id}`)).toEqual(['第一条:a2', '第二条:a3']);
	});

	it('treats a new document as empty, and one with a title or a clause as not', () => {
		expect(isEmptyRules(new Y.Doc())).toBe(true);
		expect(isEmptyRules(rulesDoc(''))).toBe(true);
		expect(isEmptyRules(rulesDoc('村规民约'))).toBe(false);
		expect(isEmptyRules(rulesDoc('', clause('a1', p(''))))).toBe(false);
		expect(readRules(new Y.Doc())).toEqual({ title: '', items: [] });
	});

	it('keeps the first title when two writers created one each at the same time', () => {
		const a = rulesDoc('甲的标题', clause('a1', p('内容')));
		const b2 = rulesDoc('乙的标题');
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b2));
		Y.applyUpdate(b2, Y.encodeStateAsUpdate(a));
		expect(readRules(a)).toEqual(readRules(b2));
		expect(['甲的标题', '乙的标题']).toContain(readRules(a).title);
		expect(readRules(a).items.map((i) => i.label)).toEqual(['第一条']);
	});
});
