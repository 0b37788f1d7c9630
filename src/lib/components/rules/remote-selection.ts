/**
 * Keeps the local cursor where it belongs when someone else edits the same paragraph.
 *
 * Why: since 3.0.6, y-tiptap (the y-prosemirror fork the Collaboration extension uses) distrusts the
 * Yjs resolution of the cursor whenever the paragraph's text changed during a remote update, and puts
 * the cursor back at its old offset inside the block instead. That heuristic was meant for blocks
 * moved by delete + insert, but it fires on every concurrent keystroke in the same paragraph: with one
 * person typing at the start and another at the end, the second one's cursor falls one character
 * behind per remote keystroke and their text comes out scrambled ("（甲补充）" became "（甲）充补" in
 * our end-to-end test). Upstream y-prosemirror trusts Yjs here, and so do we: when the text the
 * cursor was anchored to still exists, its Yjs relative position is exact. Only when that text was
 * deleted (a block moved or removed) do we leave y-tiptap's recovery alone.
 */
import { isChangeOrigin } from '@tiptap/extension-collaboration';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import {
	relativePositionToAbsolutePosition,
	ySyncPluginKey,
	type ProsemirrorBinding
} from '@tiptap/y-tiptap';
import * as Y from 'yjs';

type SyncState = { doc: Y.Doc; type: Y.XmlFragment; binding: ProsemirrorBinding };
type RelativeSelection = { type: string; anchor: Y.RelativePosition | null; head: Y.RelativePosition | null };

/** The position, if the text it lies in and every element around that text are still in the document. */
function resolveAlive(y: SyncState, rel: Y.RelativePosition): number | null {
	const abs = Y.createAbsolutePositionFromRelativePosition(rel, y.doc);
	if (!abs) return null;
	for (let t: Y.AbstractType<unknown> | null = abs.type; t && t !== y.type;) {
		const item = t._item;
		if (!item || item.deleted) return null;
		t = item.parent as Y.AbstractType<unknown> | null;
	}
	return relativePositionToAbsolutePosition(y.doc, y.type, rel, y.binding.mapping);
}

export function remoteSelectionPlugin() {
	return new Plugin({
		key: new PluginKey('rulesRemoteSelection'),
		appendTransaction: (trs, _old, state) => {
			if (!trs.some((tr) => tr.docChanged && isChangeOrigin(tr))) return null;
			const y = ySyncPluginKey.getState(state) as SyncState | undefined;
			// The selection y-tiptap captured before applying the remote update (cleared right after it).
			const rel = (y?.binding as { beforeTransactionSelection?: RelativeSelection | null } | undefined)
				?.beforeTransactionSelection;
			if (!y || !rel || rel.type !== 'text' || !rel.anchor || !rel.head) return null;
			const anchor = resolveAlive(y, rel.anchor);
			const head = resolveAlive(y, rel.head);
			if (anchor === null || head === null) return null;
			if (anchor > state.doc.content.size || head > state.doc.content.size) return null;
			const { selection } = state;
			if (selection.anchor === anchor && selection.head === head) return null;
			const $anchor = state.doc.resolve(anchor);
			const $head = state.doc.resolve(head);
			if (!$anchor.parent.isTextblock || !$head.parent.isTextblock) return null;
			return state.tr.setSelection(TextSelection.between($anchor, $head)).setMeta('addToHistory', false);
		}
	});
}
