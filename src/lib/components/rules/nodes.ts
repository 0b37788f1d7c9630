/**
 * The Tiptap nodes of a rules document, built from the contract in `$lib/rules/schema` (names and
 * content expressions come from there, so the editor and the server reader cannot drift apart).
 * Usable without a DOM: `getSchema(rulesExtensions())` gives the ProseMirror schema in unit tests.
 */
import { Node, mergeAttributes, type AnyExtension } from '@tiptap/core';
import Document from '@tiptap/extension-document';
import Paragraph from '@tiptap/extension-paragraph';
import Text from '@tiptap/extension-text';
import Bold from '@tiptap/extension-bold';
import { BulletList, ListItem, OrderedList } from '@tiptap/extension-list';
import { CONTENT, ID_ATTR, NODE } from '$lib/rules/schema';

/** The `id` attribute: kept in the Y.XmlElement, rendered as data-id (an HTML id must be page-unique). */
const idAttribute = {
	[ID_ATTR]: {
		default: null as string | null,
		parseHTML: (el: HTMLElement) => el.getAttribute('data-id'),
		renderHTML: (attrs: Record<string, unknown>) => (attrs[ID_ATTR] ? { 'data-id': attrs[ID_ATTR] } : {})
	}
};

export const RulesDocument = Document.extend({ content: CONTENT.doc });

export const RulesTitle = Node.create({
	name: NODE.title,
	content: CONTENT.title,
	marks: '',
	defining: true,
	// h2 and h3 below: the page's own heading is the h1.
	parseHTML: () => [{ tag: 'h2.rules-title' }, { tag: 'h1' }],
	renderHTML: ({ HTMLAttributes }) => ['h2', mergeAttributes(HTMLAttributes, { class: 'rules-title' }), 0]
});

export const Chapter = Node.create({
	name: NODE.chapter,
	content: CONTENT.chapter,
	marks: '',
	defining: true,
	addAttributes: () => idAttribute,
	parseHTML: () => [{ tag: 'h3[data-chapter]' }],
	renderHTML: ({ HTMLAttributes }) => [
		'h3',
		mergeAttributes(HTMLAttributes, { class: 'rules-chapter', 'data-chapter': '' }),
		0
	]
});

/**
 * A clause (条). `isolating`: Backspace at its start does not merge it into the clause before (that
 * would silently drop one clause's id and the comments anchored to it); an empty clause is removed by
 * the editor's own Backspace handler instead.
 */
export const Clause = Node.create({
	name: NODE.clause,
	content: CONTENT.clause,
	defining: true,
	isolating: true,
	addAttributes: () => idAttribute,
	parseHTML: () => [{ tag: 'section[data-clause]' }],
	renderHTML: ({ HTMLAttributes }) => [
		'section',
		mergeAttributes(HTMLAttributes, { class: 'rules-clause', 'data-clause': '' }),
		0
	]
});

/** Everything the schema needs; the editor adds collaboration and its own keys and plugins. */
export function rulesExtensions(): AnyExtension[] {
	return [
		RulesDocument,
		RulesTitle,
		Chapter,
		Clause,
		Paragraph,
		Text,
		Bold,
		BulletList,
		OrderedList,
		ListItem
	];
}
