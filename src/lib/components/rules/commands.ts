/**
 * Editing commands of the rules editor as plain ProseMirror commands (state, dispatch), so the toolbar,
 * the keyboard and unit tests share them. Chapters and clauses are the top-level blocks after the title.
 */
import { Fragment, type Node as PMNode, type Schema } from '@tiptap/pm/model';
import { TextSelection, type Command, type EditorState } from '@tiptap/pm/state';
import { NODE, newNodeId } from '$lib/rules/schema';

/** The top-level block holding the selection's start: its index, node and start position. */
export function currentBlock(state: EditorState): { index: number; node: PMNode; pos: number } | null {
	const $from = state.selection.$from;
	if ($from.depth < 1) return null;
	const index = $from.index(0);
	return { index, node: state.doc.child(index), pos: $from.before(1) };
}

export const newClause = (schema: Schema, text = '') =>
	schema.nodes[NODE.clause].create(
		{ id: newNodeId() },
		schema.nodes[NODE.paragraph].create(null, text ? schema.text(text) : null)
	);

export const newChapter = (schema: Schema, text = '') =>
	schema.nodes[NODE.chapter].create({ id: newNodeId() }, text ? schema.text(text) : null);

/** Inserts a block after the current top-level block and puts the cursor at its first text position. */
function insertAfterCurrent(make: (schema: Schema) => PMNode): Command {
	return (state, dispatch) => {
		const block = currentBlock(state);
		if (!block) return false;
		if (dispatch) {
			const at = block.pos + block.node.nodeSize;
			const tr = state.tr.insert(at, make(state.schema));
			// Inside the new block: a chapter's text starts at at+1, a clause's paragraph at at+2.
			const inner = tr.doc.resolve(Math.min(at + 2, tr.doc.content.size));
			tr.setSelection(TextSelection.near(inner)).scrollIntoView();
			dispatch(tr);
		}
		return true;
	};
}

export const insertClause = (): Command => insertAfterCurrent((s) => newClause(s));
export const insertChapter = (): Command => insertAfterCurrent((s) => newChapter(s));

/**
 * Swaps the current chapter or clause with its neighbour above or below (never above the title). The
 * cursor stays at the same place inside the moved block.
 */
export function moveBlock(direction: 'up' | 'down'): Command {
	return (state, dispatch) => {
		const block = currentBlock(state);
		if (!block || block.node.type.name === NODE.title) return false;
		const { index, node, pos } = block;
		const other = direction === 'up' ? index - 1 : index + 1;
		if (other < 1 || other >= state.doc.childCount) return false;
		if (dispatch) {
			const neighbour = state.doc.child(other);
			const offset = state.selection.from - pos;
			const start = direction === 'up' ? pos - neighbour.nodeSize : pos;
			const end = start + node.nodeSize + neighbour.nodeSize;
			const pair = direction === 'up' ? [node, neighbour] : [neighbour, node];
			const tr = state.tr.replaceWith(start, end, Fragment.from(pair));
			const movedAt = direction === 'up' ? start : start + neighbour.nodeSize;
			tr.setSelection(TextSelection.near(tr.doc.resolve(movedAt + offset))).scrollIntoView();
			dispatch(tr);
		}
		return true;
	};
}

type Template = { title: string; chapter: string; clauses: string[] };

/** The rules are written in Chinese whatever the screen's language, so the template is not translated. */
export const RULES_TEMPLATE: Template = {
	title: '村规民约',
	chapter: '总则',
	clauses: [
		'为了推进村民自治，维护本村公共秩序，根据有关法律法规，结合本村实际，制定本村规民约。',
		'本村规民约适用于本村全体村民，经村民会议讨论通过后施行。'
	]
};

/** 第一章 总则 with two clauses: only offered when the document is empty (see RulesEditor). */
export function templateContent(schema: Schema, t: Template) {
	return Fragment.from([
		schema.nodes[NODE.title].create(null, schema.text(t.title)),
		newChapter(schema, t.chapter),
		...t.clauses.map((c) => newClause(schema, c))
	]);
}

export function insertTemplate(t: Template = RULES_TEMPLATE): Command {
	return (state, dispatch) => {
		if (dispatch) {
			const tr = state.tr.replaceWith(0, state.doc.content.size, templateContent(state.schema, t));
			dispatch(tr.setSelection(TextSelection.atEnd(tr.doc)).scrollIntoView());
		}
		return true;
	};
}

/**
 * Enter in an empty last paragraph of a clause starts a new clause (Enter twice ends a clause), rather
 * than piling up empty paragraphs.
 */
export const enterEndsClause: Command = (state, dispatch) => {
	const { $from, empty } = state.selection;
	if (!empty || $from.depth !== 2 || $from.parent.content.size > 0) return false;
	const clause = $from.node(1);
	if (clause.type.name !== NODE.clause || clause.childCount < 2 || $from.index(1) !== clause.childCount - 1)
		return false;
	if (dispatch) {
		const tr = state.tr.delete($from.before(2), $from.after(2));
		const at = tr.mapping.map($from.after(1));
		tr.insert(at, newClause(state.schema));
		dispatch(tr.setSelection(TextSelection.near(tr.doc.resolve(at + 2))).scrollIntoView());
	}
	return true;
};

/** Backspace in a clause that holds nothing but one empty paragraph removes the clause. */
export const backspaceRemovesEmptyClause: Command = (state, dispatch) => {
	const { $from, empty } = state.selection;
	if (!empty || $from.depth !== 2 || $from.parentOffset !== 0) return false;
	const clause = $from.node(1);
	if (clause.type.name !== NODE.clause || clause.content.size !== 2) return false;
	if (dispatch) {
		const start = $from.before(1);
		const tr = state.tr.delete(start, $from.after(1));
		dispatch(
			tr.setSelection(TextSelection.near(tr.doc.resolve(Math.max(0, start - 1)), -1)).scrollIntoView()
		);
	}
	return true;
};
