import { describe, expect, it } from 'vitest';
import { EditorState, TextSelection, type Command } from '@tiptap/pm/state';
import { initProseMirrorDoc, ySyncPlugin } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { resolveAnchor, selectionAnchor } from '$lib/components/rules/anchor';
import { repairIds } from '$lib/components/rules/behaviour';
import { enterEndsClause, insertClause, insertTemplate, moveBlock } from '$lib/components/rules/commands';
import { RULES_FRAGMENT } from '$lib/rules/schema';
import { chapter, clause, p, rulesDoc, rulesSchema } from '../helpers/rules-doc';

/** An editor state on a Y.Doc, bound the way the Collaboration extension binds it (minus the view). */
function stateOf(doc: Y.Doc) {
	const fragment = doc.getXmlFragment(RULES_FRAGMENT);
	const { doc: pmDoc, mapping } = initProseMirrorDoc(fragment, rulesSchema);
	return EditorState.create({
		schema: rulesSchema,
		doc: pmDoc,
		plugins: [ySyncPlugin(fragment, { mapping })]
	});
}

/** Position of the first occurrence of `text` in the document. */
function find(state: EditorState, text: string): number {
	let at = -1;
	state.doc.descendants((node, pos) => {
		if (at < 0 && node.isText && node.text!.includes(text)) at = pos + node.text!.indexOf(text);
	});
	if (at < 0) throw new Error(`not found: ${text}`);
	return at;
}

function apply(state: EditorState, cmd: Command) {
	let next = state;
	expect(cmd(state, (tr) => (next = state.apply(tr)))).toBe(true);
	return next;
}

const ids = (state: EditorState) => {
	const out: string[] = [];
	state.doc.forEach((n) => out.push(`${n.type.name}:${n.attrs.id ?? ''}`));
	return out;
};

describe('rules editor commands', () => {
	const base = () =>
		rulesDoc('规约', chapter('c1', '总则'), clause('a1', p('第一条内容')), clause('a2', p('第二条内容')));

	it('moves a clause up and down past its neighbours, never above the title', () => {
		let s = stateOf(base());
		s = s.apply(s.tr.setSelection(TextSelection.create(s.doc, find(s, '第二条'))));
		s = apply(s, moveBlock('up'));
		expect(ids(s)).toEqual(['rulesTitle:', 'chapter:c1', 'clause:a2', 'clause:a1']);
		s = apply(s, moveBlock('up'));
		expect(ids(s)).toEqual(['rulesTitle:', 'clause:a2', 'chapter:c1', 'clause:a1']);
		expect(moveBlock('up')(s)).toBe(false);
		expect(s.doc.textBetween(s.selection.from, s.selection.from + 3)).toBe('第二条');
		s = apply(s, moveBlock('down'));
		expect(ids(s)).toEqual(['rulesTitle:', 'chapter:c1', 'clause:a2', 'clause:a1']);
	});

	it('inserts a new clause with a fresh id after the current one, and Enter twice ends a clause', () => {
		let s = stateOf(base());
		s = s.apply(s.tr.setSelection(TextSelection.create(s.doc, find(s, '第一条'))));
		s = apply(s, insertClause());
		const after = ids(s);
		expect(after.slice(0, 3)).toEqual(['rulesTitle:', 'chapter:c1', 'clause:a1']);
		expect(after[3]).toMatch(/^clause:[a-z0-9]{12}$/);
		expect(s.selection.$from.node(1).attrs.id).toBe(after[3].slice('clause:'.length));

		s = s.apply(s.tr.insertText('甲').split(s.selection.from + 1));
		expect(s.selection.$from.node(1).childCount).toBe(2);
		s = apply(s, enterEndsClause);
		expect(ids(s)).toHaveLength(6);
		expect(s.selection.$from.node(1).attrs.id).toBe(ids(s)[4].slice('clause:'.length));
	});

	it('fills an empty document from the template', () => {
		const s = apply(stateOf(new Y.Doc()), insertTemplate());
		expect(s.doc.child(0).textContent).toBe('村规民约');
		expect(ids(s).map((x) => x.split(':')[0])).toEqual(['rulesTitle', 'chapter', 'clause', 'clause']);
	});
});

describe('clause ids', () => {
	it('gives the second half of a split clause a new id and keeps the first', () => {
		const before = stateOf(rulesDoc('规约', clause('a1', p('前半'), p('后半'))));
		const tr = before.tr.split(find(before, '后半') - 1);
		const after = before.apply(tr);
		expect(ids(after)).toEqual(['rulesTitle:', 'clause:a1', 'clause:a1']);
		const fixed = after.apply(repairIds(before, [tr], after)!);
		const [, first, second] = ids(fixed);
		expect(first).toBe('clause:a1');
		expect(second).not.toBe('clause:a1');
	});

	it('keeps the original’s id when a copy of it is pasted above it', () => {
		const before = stateOf(rulesDoc('规约', clause('a1', p('原文'))));
		const copy = before.doc.child(1);
		const tr = before.tr.insert(before.doc.child(0).nodeSize, copy);
		const after = before.apply(tr);
		const fixed = after.apply(repairIds(before, [tr], after)!);
		expect(ids(fixed)[2]).toBe('clause:a1');
		expect(ids(fixed)[1]).not.toBe('clause:a1');
		expect(repairIds(after, [], fixed)).toBeNull();
	});
});

describe('comment anchors', () => {
	it('keep pointing at the quoted words while someone types before them, and fail once deleted', () => {
		const doc = rulesDoc('规约', clause('a1', p('禁止在楼道堆放杂物。')), clause('a2', p('其他')));
		let s = stateOf(doc);
		const from = find(s, '楼道');
		s = s.apply(s.tr.setSelection(TextSelection.create(s.doc, from, from + 2)));
		const anchor = selectionAnchor({ state: s })!;
		expect(anchor).toMatchObject({ clauseId: 'a1', quote: '楼道' });

		// Another writer inserts text at the start of the same paragraph, straight into Yjs.
		const clauseEl = doc.getXmlFragment(RULES_FRAGMENT).get(1) as Y.XmlElement;
		const text = (clauseEl.get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(0, '严格');
		s = stateOf(doc);
		const at = resolveAnchor({ state: s }, anchor)!;
		expect(s.doc.textBetween(at.from, at.to)).toBe('楼道');

		// The quoted words are deleted: the anchor no longer covers them.
		text.delete('严格禁止在'.length, 2);
		s = stateOf(doc);
		expect(s.doc.child(1).textContent).toBe('严格禁止在堆放杂物。');
		expect(resolveAnchor({ state: s }, anchor)).toBeNull();
		expect(resolveAnchor({ state: s }, { ...anchor, start: '!!' })).toBeNull();
		expect(resolveAnchor({ state: s }, { ...anchor, clauseId: 'a2' })).toBeNull();
	});

	it('gives no anchor outside a clause', () => {
		const s = stateOf(rulesDoc('规约', chapter('c1', '总则')));
		expect(selectionAnchor({ state: s })).toBeNull();
	});
});
