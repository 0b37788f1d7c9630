/**
 * Reads a rules document straight from its Y.XmlFragment, without ProseMirror, so the server (versions,
 * adoption polls, the public notice) and the browser see the same chapters, clauses, numbers and text.
 */
import * as Y from 'yjs';
import { chapterLabel, clauseLabel } from './numbering';
import { ID_ATTR, NODE, RULES_FRAGMENT, isNumberedKind, type NumberedKind } from './schema';

export type RulesItem = {
	kind: NumberedKind;
	id: string;
	/** 1-based: clauses count through the whole document, chapters separately. */
	number: number;
	/** 第N条 / 第N章 */
	label: string;
	/** Plain text: paragraphs joined by "\n", list items as "• " or "1. " lines, nested ones indented. */
	text: string;
};

export type Rules = { title: string; items: RulesItem[] };

export function rulesFragment(doc: Y.Doc): Y.XmlFragment {
	return doc.getXmlFragment(RULES_FRAGMENT);
}

/** The text of a Y.XmlText without its formatting (bold is a formatting attribute, not part of the text). */
function plainText(t: Y.XmlText): string {
	let out = '';
	for (const op of t.toDelta() as Array<{ insert?: unknown }>) {
		if (typeof op.insert === 'string') out += op.insert;
	}
	return out;
}

/** All text inside an element, ignoring structure (for titles and chapter headings). */
function inlineText(el: Y.XmlElement | Y.XmlFragment): string {
	let out = '';
	for (const child of el.toArray()) {
		if (child instanceof Y.XmlText) out += plainText(child);
		else if (child instanceof Y.XmlElement) out += inlineText(child);
	}
	return out;
}

/** The lines of a clause's body: a paragraph is one line, a list item a prefixed line (or several). */
function blockLines(el: Y.XmlElement, indent: string): string[] {
	if (el.nodeName === NODE.bulletList || el.nodeName === NODE.orderedList) {
		const ordered = el.nodeName === NODE.orderedList;
		const start = Number(el.getAttribute('start') ?? 1);
		let n = Number.isInteger(start) ? start : 1;
		const lines: string[] = [];
		for (const item of el.toArray()) {
			if (!(item instanceof Y.XmlElement)) continue;
			const marker = ordered ? `${n++}. ` : '• ';
			const inner = item
				.toArray()
				.flatMap((c) => (c instanceof Y.XmlElement ? blockLines(c, indent + '  ') : []));
			// The item's first paragraph carries the marker; nested lines keep their deeper indent.
			const first = inner.length ? inner[0].replace(/^\s*/, '') : '';
			lines.push(indent + marker + first, ...inner.slice(1));
		}
		return lines;
	}
	return [indent + inlineText(el)];
}

/** The title, and every chapter and clause in document order with its number and plain text. */
export function readRules(doc: Y.Doc): Rules {
	let title: string | null = null;
	const items: RulesItem[] = [];
	const count = { chapter: 0, clause: 0 };
	for (const node of rulesFragment(doc).toArray()) {
		if (!(node instanceof Y.XmlElement)) continue;
		const name = node.nodeName;
		if (name === NODE.title) {
			// Two writers creating a title at once can leave two; the first one is the title.
			title ??= inlineText(node);
			continue;
		}
		if (!isNumberedKind(name)) continue;
		const number = ++count[name];
		const text =
			name === NODE.chapter
				? inlineText(node)
				: node
						.toArray()
						.flatMap((c) => (c instanceof Y.XmlElement ? blockLines(c, '') : []))
						.join('\n');
		items.push({
			kind: name,
			id: String(node.getAttribute(ID_ATTR) ?? ''),
			number,
			label: name === NODE.chapter ? chapterLabel(number) : clauseLabel(number),
			text
		});
	}
	return { title: title ?? '', items };
}

/** Only the clauses (what adoption polls and comments refer to). */
export const clausesOf = (rules: Rules) => rules.items.filter((i) => i.kind === NODE.clause);

/**
 * True when the document has nothing in it yet (no title text, no chapter, no clause). Cheap enough to
 * run on every keystroke: it looks no further than the title.
 */
export function isEmptyRules(doc: Y.Doc): boolean {
	return rulesFragment(doc)
		.toArray()
		.every((n) => n instanceof Y.XmlElement && n.nodeName === NODE.title && inlineText(n) === '');
}
