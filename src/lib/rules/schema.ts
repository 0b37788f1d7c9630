/**
 * The contract of a village rules document (村规民约, Yjs document `rules:<communityId>`), shared by the
 * browser editor (Tiptap / ProseMirror through y-tiptap) and the server (which reads the Y.Doc without
 * ProseMirror). y-tiptap stores each ProseMirror node as a Y.XmlElement named after the node type, its
 * attributes as element attributes, and text as Y.XmlText whose formatting keys are mark names.
 *
 *   fragment 'default':  rulesTitle, then any sequence of chapter | clause
 *   rulesTitle           the document's title (plain text)
 *   chapter  {id}        a chapter heading (章, plain text); numbered 第N章
 *   clause   {id}        an article (条): one or more paragraph | bulletList | orderedList; numbered 第N条
 *                        continuously through the whole document
 *   paragraph            text; the only mark is bold
 *   bulletList / orderedList {start} → listItem → paragraph, then nested lists
 *
 * Every chapter and clause carries a stable, unique string `id` that survives edits and moves; comments,
 * versions and adoption polls refer to clauses by it. The editor repairs missing or duplicated ids
 * (splitting, pasting) on the writer's side.
 */

/** The Yjs document of a community's rules draft (authorized in src/lib/server/domain/documents.ts). */
export const rulesDocName = (communityId: number) => `rules:${communityId}`;

export const RULES_FRAGMENT = 'default';

export const NODE = {
	doc: 'doc',
	title: 'rulesTitle',
	chapter: 'chapter',
	clause: 'clause',
	paragraph: 'paragraph',
	bulletList: 'bulletList',
	orderedList: 'orderedList',
	listItem: 'listItem',
	text: 'text'
} as const;

/** The attribute holding a chapter's or clause's stable id. */
export const ID_ATTR = 'id';

/** Node names that carry an id and a number. */
export type NumberedKind = typeof NODE.chapter | typeof NODE.clause;

export const isNumberedKind = (name: string): name is NumberedKind =>
	name === NODE.chapter || name === NODE.clause;

/** ProseMirror content expressions, so the editor schema and this contract cannot drift apart. */
export const CONTENT = {
	doc: `${NODE.title} (${NODE.chapter} | ${NODE.clause})*`,
	title: 'text*',
	chapter: 'text*',
	clause: `(${NODE.paragraph} | ${NODE.bulletList} | ${NODE.orderedList})+`
} as const;

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh id: 12 random base-36 characters (62 bits). crypto.getRandomValues, unlike randomUUID, also
 * works on plain-http LAN addresses, where community centres often run the app.
 */
export function newNodeId(): string {
	const bytes = new Uint8Array(12);
	globalThis.crypto.getRandomValues(bytes);
	let id = '';
	for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length];
	return id;
}

/** Ids are short tokens; anything else (pasted HTML, a hand-made update) gets replaced. */
export const isValidNodeId = (id: unknown): id is string =>
	typeof id === 'string' && /^[a-z0-9_-]{1,64}$/i.test(id);
