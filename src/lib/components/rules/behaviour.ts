/**
 * What makes the editor a rules editor: every chapter and clause keeps a unique id, each shows its live
 * label (第N条 / 第N章, the same numbering the server reads), and Enter / Backspace / Mod-Enter work on
 * clauses.
 */
import { Extension } from '@tiptap/core';
import { isChangeOrigin } from '@tiptap/extension-collaboration';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Mapping } from '@tiptap/pm/transform';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { chapterLabel, clauseLabel } from '$lib/rules/numbering';
import { ID_ATTR, NODE, isNumberedKind, isValidNodeId, newNodeId } from '$lib/rules/schema';
import { backspaceRemovesEmptyClause, enterEndsClause, insertClause } from './commands';
import { remoteSelectionPlugin } from './remote-selection';

function positionsById(doc: PMNode): Map<string, number[]> {
	const byId = new Map<string, number[]>();
	doc.forEach((node, pos) => {
		const id = node.attrs[ID_ATTR];
		if (isNumberedKind(node.type.name) && typeof id === 'string')
			byId.set(id, [...(byId.get(id) ?? []), pos]);
	});
	return byId;
}

/**
 * Gives a fresh id to every chapter or clause whose id is missing, malformed or repeated. Of two blocks
 * sharing an id, the one that was already there keeps it: after a split the first half, after pasting
 * a copy the original (found by mapping its old position through the transactions). Returns null when
 * nothing needs fixing.
 */
export function repairIds(oldState: EditorState, trs: readonly Transaction[], state: EditorState) {
	const mapping = new Mapping();
	for (const tr of trs) mapping.appendMapping(tr.mapping);
	const before = positionsById(oldState.doc);
	const keepAt = new Map<string, number>();
	for (const [id, [oldPos]] of before) {
		const r = mapping.mapResult(oldPos, 1);
		if (!r.deleted) keepAt.set(id, r.pos);
	}
	const tr = state.tr;
	const now = positionsById(state.doc);
	state.doc.forEach((node, pos) => {
		if (!isNumberedKind(node.type.name)) return;
		const id = node.attrs[ID_ATTR];
		const group = isValidNodeId(id) ? now.get(id)! : [];
		if (group.length === 1) return;
		if (group.length > 1) {
			// The original is gone or moved where the mapping cannot follow: the first one keeps it.
			const kept = keepAt.get(id);
			const owner = kept !== undefined && group.includes(kept) ? kept : group[0];
			if (pos === owner) return;
		}
		tr.setNodeAttribute(pos, ID_ATTR, newNodeId());
	});
	return tr.docChanged ? tr : null;
}

/** 第N条 / 第N章 on each block as a data-label attribute, shown by CSS (no DOM near the text changes). */
function labels(doc: PMNode): DecorationSet {
	const decos: Decoration[] = [];
	const count = { chapter: 0, clause: 0 };
	doc.forEach((node, pos) => {
		const name = node.type.name;
		if (!isNumberedKind(name)) return;
		const n = ++count[name];
		const label = name === NODE.chapter ? chapterLabel(n) : clauseLabel(n);
		decos.push(Decoration.node(pos, pos + node.nodeSize, { 'data-label': label }));
	});
	return DecorationSet.create(doc, decos);
}

const labelsKey = new PluginKey<DecorationSet>('rulesLabels');

export const RulesBehaviour = Extension.create({
	name: 'rulesBehaviour',

	addKeyboardShortcuts() {
		const run = (cmd: typeof enterEndsClause) => () => cmd(this.editor.state, this.editor.view.dispatch);
		return {
			Enter: run(enterEndsClause),
			Backspace: run(backspaceRemovesEmptyClause),
			'Mod-Enter': run(insertClause())
		};
	},

	addProseMirrorPlugins() {
		const editor = this.editor;
		return [
			new Plugin({
				key: new PluginKey('rulesIds'),
				// Only the writer who made the change repairs ids: repairing remote changes too would
				// have every open editor write a different fresh id for the same block at once.
				appendTransaction: (trs, oldState, state) =>
					editor.isEditable && trs.some((tr) => tr.docChanged && !isChangeOrigin(tr))
						? repairIds(oldState, trs, state)
						: null
			}),
			new Plugin({
				key: labelsKey,
				state: {
					init: (_, state) => labels(state.doc),
					apply: (tr, old) => (tr.docChanged ? labels(tr.doc) : old)
				},
				props: { decorations: (state) => labelsKey.getState(state) }
			}),
			remoteSelectionPlugin()
		];
	}
});
