/** Builds a village rules draft straight in Yjs, the way the editor stores it (src/lib/rules/schema.ts). */
import * as Y from 'yjs';
import { NODE, RULES_FRAGMENT } from '$lib/rules/schema';

function textElement(name: string, text: string) {
	const el = new Y.XmlElement(name);
	el.insert(0, [new Y.XmlText(text)]);
	return el;
}

/** A title, one chapter and clauses `c1`, `c2`, … with the given texts. */
export function writeDraft(doc: Y.Doc, title: string, clauses: string[]) {
	const fragment = doc.getXmlFragment(RULES_FRAGMENT);
	doc.transact(() => {
		fragment.delete(0, fragment.length);
		const chapter = textElement(NODE.chapter, '总则');
		chapter.setAttribute('id', 'ch1');
		const items = clauses.map((text, i) => {
			const clause = new Y.XmlElement(NODE.clause);
			clause.setAttribute('id', `c${i + 1}`);
			clause.insert(0, [textElement(NODE.paragraph, text)]);
			return clause;
		});
		fragment.insert(0, [textElement(NODE.title, title), chapter, ...items]);
	});
}
