/**
 * Binds a Y.Text to an <input> or <textarea> with minimal edits: each input becomes one delete and one
 * insert at the changed span (common prefix and suffix kept), so two people typing in the same field
 * merge instead of overwriting each other. While a Chinese IME is composing, nothing is sent and
 * remote changes wait, so pinyin never leaks to the others and the composition is not broken.
 */
import type * as Y from 'yjs';

type Field = HTMLInputElement | HTMLTextAreaElement;

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The changed span between two strings, never splitting a surrogate pair. */
export function diffSpan(before: string, after: string) {
	let start = 0;
	const max = Math.min(before.length, after.length);
	while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
	if (start > 0 && isLowSurrogate(before.charCodeAt(start))) start--;
	let endBefore = before.length;
	let endAfter = after.length;
	while (
		endBefore > start &&
		endAfter > start &&
		before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)
	) {
		endBefore--;
		endAfter--;
	}
	if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
		endBefore++;
		endAfter++;
	}
	return { start, deleteCount: endBefore - start, insert: after.slice(start, endAfter) };
}

export function ytext(node: Field, text: Y.Text) {
	let current = text;
	let composing = false;
	let remotePending = false;
	const origin = {}; // this binding's own transactions

	const pull = (delta?: Y.YTextEvent['delta']) => {
		let [s, e] = [node.selectionStart ?? 0, node.selectionEnd ?? 0];
		if (delta) {
			let index = 0;
			for (const op of delta) {
				if (op.retain) index += op.retain;
				else if (typeof op.insert === 'string') {
					const n = op.insert.length;
					if (index < s) s += n;
					if (index < e) e += n;
					index += n;
				} else if (op.delete) {
					const n = op.delete;
					if (index < s) s = Math.max(index, s - n);
					if (index < e) e = Math.max(index, e - n);
				}
			}
		}
		const value = current.toString();
		if (node.value === value) return;
		node.value = value;
		if (document.activeElement === node) node.setSelectionRange(s, e);
	};

	const push = () => {
		const { start, deleteCount, insert } = diffSpan(current.toString(), node.value);
		if (!deleteCount && !insert) return;
		current.doc!.transact(() => {
			if (deleteCount) current.delete(start, deleteCount);
			if (insert) current.insert(start, insert);
		}, origin);
	};

	const onInput = () => {
		if (!composing) push();
	};
	const onCompositionStart = () => (composing = true);
	const onCompositionEnd = () => {
		composing = false;
		push();
		if (remotePending) {
			remotePending = false;
			pull();
		}
	};
	const observer = (event: Y.YTextEvent, tr: Y.Transaction) => {
		if (tr.origin === origin) return;
		if (composing) remotePending = true;
		else pull(event.delta);
	};

	const attach = (t: Y.Text) => {
		current = t;
		node.value = t.toString();
		t.observe(observer);
	};
	attach(text);
	node.addEventListener('input', onInput);
	node.addEventListener('compositionstart', onCompositionStart);
	node.addEventListener('compositionend', onCompositionEnd);

	return {
		update(next: Y.Text) {
			if (next === current) return;
			current.unobserve(observer);
			attach(next);
		},
		destroy() {
			current.unobserve(observer);
			node.removeEventListener('input', onInput);
			node.removeEventListener('compositionstart', onCompositionStart);
			node.removeEventListener('compositionend', onCompositionEnd);
		}
	};
}
