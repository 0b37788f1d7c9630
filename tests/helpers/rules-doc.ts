/**
 * Rules documents for tests, stored exactly as the editor stores them: ProseMirror JSON in the editor's
 * schema, written into a Y.Doc by y-tiptap (the library the Collaboration extension uses).
 */
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { rulesExtensions } from '$lib/components/rules/nodes';
import { RULES_FRAGMENT } from '$lib/rules/schema';

export const rulesSchema = getSchema(rulesExtensions());

type Json = Record<string, unknown>;
const text = (t: string, bold = false): Json => ({
	type: 'text',
	text: t,
	...(bold ? { marks: [{ type: 'bold' }] } : {})
});

export const p = (...parts: Array<string | Json>): Json => ({
	type: 'paragraph',
	content: parts.filter((x) => x !== '').map((x) => (typeof x === 'string' ? text(x) : x))
});
export const b = (t: string) => text(t, true);
export const bullets = (...items: Json[][]): Json => ({
	type: 'bulletList',
	content: items.map((content) => ({ type: 'listItem', content }))
});
export const ordered = (start: number, ...items: Json[][]): Json => ({
	type: 'orderedList',
	attrs: { start },
	content: items.map((content) => ({ type: 'listItem', content }))
});
export const clause = (id: string, ...content: Json[]): Json => ({ type: 'clause', attrs: { id }, content });
export const chapter = (id: string, t: string): Json => ({
	type: 'chapter',
	attrs: { id },
	content: t ? [text(t)] : []
});

/** A Y.Doc holding a rules document with this title and these chapters and clauses. */
export function rulesDoc(title: string, ...blocks: Json[]): Y.Doc {
	const doc = new Y.Doc();
	writeRules(doc, title, ...blocks);
	return doc;
}

/** Replaces the document's content (one Yjs transaction). */
export function writeRules(doc: Y.Doc, title: string, ...blocks: Json[]) {
	const fragment = doc.getXmlFragment(RULES_FRAGMENT);
	doc.transact(() => {
		fragment.delete(0, fragment.length);
		const json = {
			type: 'doc',
			content: [{ type: 'rulesTitle', content: title ? [text(title)] : [] }, ...blocks]
		};
		prosemirrorJSONToYXmlFragment(rulesSchema, json, fragment);
	});
}
