/**
 * Server-side changes and observations of a rules document, straight on its Yjs structure (see
 * schema.ts): replacing a clause's wording with an accepted suggestion, and finding which clauses a
 * transaction touched (for "who changed what since the last version").
 */
import * as Y from 'yjs';
import { rulesFragment } from './clauses';
import { ID_ATTR, NODE } from './schema';

/** The clause element with this id, or null when it is gone. */
export function findClause(doc: Y.Doc, clauseId: string): Y.XmlElement | null {
	for (const node of rulesFragment(doc).toArray())
		if (
			node instanceof Y.XmlElement &&
			node.nodeName === NODE.clause &&
			node.getAttribute(ID_ATTR) === clauseId
		)
			return node;
	return null;
}

/** Replaces a clause's body with plain paragraphs, one per line; false when the clause is gone. */
export function replaceClauseText(doc: Y.Doc, clauseId: string, text: string): boolean {
	const clause = findClause(doc, clauseId);
	if (!clause) return false;
	const lines = text.split(/\r?\n/).filter((l, i, all) => l.trim() !== '' || all.length === 1);
	doc.transact(() => {
		clause.delete(0, clause.length);
		clause.insert(
			0,
			lines.map((line) => {
				const p = new Y.XmlElement(NODE.paragraph);
				p.insert(0, [new Y.XmlText(line)]);
				return p;
			})
		);
	});
	return true;
}

/** The ids of the clauses whose content a transaction changed (walking up from each changed type). */
export function clausesTouched(tr: Y.Transaction): string[] {
	const ids = new Set<string>();
	for (const type of tr.changed.keys()) {
		// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types nest as AbstractType<any>
		let t: Y.AbstractType<any> | null = type;
		while (t) {
			if (t instanceof Y.XmlElement && t.nodeName === NODE.clause) {
				const id = t.getAttribute(ID_ATTR);
				if (typeof id === 'string') ids.add(id);
				break;
			}
			// eslint-disable-next-line @typescript-eslint/no-explicit-any
			t = (t._item?.parent as Y.AbstractType<any> | null) ?? null;
		}
	}
	return [...ids];
}
