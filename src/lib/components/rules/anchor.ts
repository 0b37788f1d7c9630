/**
 * Anchors for comments on a clause: the selected clause's id, the quoted text, and the selection as two
 * Yjs relative positions. A relative position names the Yjs item next to it, not an offset, so the
 * anchor keeps pointing at the same characters while others type before it. Once all of them are
 * deleted it no longer resolves (the comment then falls back to its clause id and quote).
 */
import type { EditorState } from '@tiptap/pm/state';
import {
	absolutePositionToRelativePosition,
	relativePositionToAbsolutePosition,
	ySyncPluginKey,
	type ProsemirrorBinding
} from '@tiptap/y-tiptap';
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { ID_ATTR, NODE } from '$lib/rules/schema';

export type RulesAnchor = {
	clauseId: string;
	/** The selected text (empty for a caret), at most QUOTE_MAX characters. */
	quote: string;
	/** base64 of Y.encodeRelativePosition */
	start: string;
	end: string;
};

export const QUOTE_MAX = 500;

/** Anything holding an editor state: a Tiptap Editor, a ProseMirror EditorView, or `{ state }`. */
type HasState = { state: EditorState };

function binding(state: EditorState) {
	const y = ySyncPluginKey.getState(state) as
		{ doc: Y.Doc; type: Y.XmlFragment; binding: ProsemirrorBinding } | undefined;
	return y ? { doc: y.doc, type: y.type, mapping: y.binding.mapping } : null;
}

/** The clause (top-level block) around a position, with its bounds. */
function clauseAt(state: EditorState, pos: number) {
	const $pos = state.doc.resolve(pos);
	if ($pos.depth < 1) return null;
	const node = $pos.node(1);
	if (node.type.name !== NODE.clause) return null;
	return { id: String(node.attrs[ID_ATTR] ?? ''), from: $pos.start(1), to: $pos.end(1) };
}

/**
 * The anchor of the current selection, clamped to the clause where it starts; null when the selection
 * does not start inside a clause or the editor is not bound to Yjs.
 */
export function selectionAnchor(editor: HasState): RulesAnchor | null {
	const { state } = editor;
	const y = binding(state);
	const clause = clauseAt(state, state.selection.from);
	if (!y || !clause || !clause.id) return null;
	const from = state.selection.from;
	const to = Math.min(state.selection.to, clause.to);
	const encode = (pos: number) =>
		toBase64(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, y.type, y.mapping)));
	return {
		clauseId: clause.id,
		quote: state.doc.textBetween(from, to, '\n').slice(0, QUOTE_MAX),
		start: encode(from),
		end: encode(to)
	};
}

/**
 * Where an anchor is now, as ProseMirror positions, or null when its quoted text is gone, it no longer
 * lies in the clause it was made in, or the data is not an anchor.
 */
export function resolveAnchor(editor: HasState, anchor: RulesAnchor): { from: number; to: number } | null {
	const { state } = editor;
	const y = binding(state);
	if (!y) return null;
	try {
		const decode = (b64: string) =>
			relativePositionToAbsolutePosition(y.doc, y.type, Y.decodeRelativePosition(fromBase64(b64)), y.mapping);
		const from = decode(anchor.start);
		const to = decode(anchor.end);
		if (from === null || to === null || from > to) return null;
		// Both ends collapse onto the gap where the quoted words were: they are gone.
		if (from === to && anchor.quote !== '') return null;
		const a = clauseAt(state, from);
		const b = clauseAt(state, to);
		return a && b && a.id === anchor.clauseId && b.id === anchor.clauseId ? { from, to } : null;
	} catch {
		return null; // malformed base64 or position bytes
	}
}
