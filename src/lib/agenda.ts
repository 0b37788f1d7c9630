/**
 * The agenda of a meeting as a Yjs document (`meeting:<id>:agenda`), shared by the browser editor and
 * the server. Items live in a map keyed by id with a fractional `order`, so moving an item is one field
 * write: two people reordering and typing at once never lose each other's notes (moving by delete +
 * insert in a Y.Array would drop concurrent edits to the moved item).
 */
import * as Y from 'yjs';

export type AgendaItem = {
	id: string;
	title: string;
	notes: string;
	minutes: number;
	order: number;
	proposalId: number | null;
};

export const MAX_TITLE = 120;
export const MAX_MINUTES = 240;

export function itemsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
	return doc.getMap('items');
}

/**
 * An item's map, or undefined. Any editor's client can write any shape into the document, so readers
 * (every phone, the projector, minutes, polls) skip entries that are not item maps instead of throwing.
 */
export function itemAt(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
	const m: unknown = itemsMap(doc).get(id);
	return m instanceof Y.Map ? m : undefined;
}

const textOf = (v: unknown) => (v instanceof Y.Text ? v.toString() : '');
const finiteOr = (v: unknown, fallback: number) =>
	typeof v === 'number' && Number.isFinite(v) ? v : fallback;

function readItem(id: string, m: Y.Map<unknown>): AgendaItem {
	const proposalId = m.get('proposalId');
	return {
		id,
		title: textOf(m.get('title')),
		notes: textOf(m.get('notes')),
		minutes: clampMinutes(finiteOr(m.get('minutes'), 0)),
		order: finiteOr(m.get('order'), 0),
		proposalId: Number.isSafeInteger(proposalId) ? (proposalId as number) : null
	};
}

/** Items in agenda order; ties (two items placed at once in the same spot) break by id, the same everywhere. */
export function listItems(doc: Y.Doc): AgendaItem[] {
	return [...itemsMap(doc).entries()]
		.filter((e): e is [string, Y.Map<unknown>] => e[1] instanceof Y.Map)
		.map(([id, m]) => readItem(id, m))
		.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
}

export function newItemId(): string {
	return Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
}

/** Appends an item; returns its id. */
export function addItem(
	doc: Y.Doc,
	input: { title: string; minutes?: number; proposalId?: number | null; notes?: string },
	id = newItemId()
): string {
	const items = listItems(doc);
	const order = items.length ? items[items.length - 1].order + 1 : 1;
	doc.transact(() => {
		const m = new Y.Map<unknown>();
		itemsMap(doc).set(id, m);
		m.set('title', new Y.Text(input.title.slice(0, MAX_TITLE)));
		m.set('notes', new Y.Text(input.notes ?? ''));
		m.set('minutes', clampMinutes(input.minutes ?? 10));
		m.set('order', order);
		if (input.proposalId) m.set('proposalId', input.proposalId);
	});
	return id;
}

export function clampMinutes(n: number): number {
	return Math.min(MAX_MINUTES, Math.max(0, Math.round(Number.isFinite(n) ? n : 0)));
}

/** Moves an item to `toIndex` in the current order by giving it an order between its new neighbours. */
export function moveItem(doc: Y.Doc, id: string, toIndex: number) {
	const others = listItems(doc).filter((i) => i.id !== id);
	const m = itemAt(doc, id);
	if (!m) return;
	const index = Math.max(0, Math.min(others.length, toIndex));
	const before = others[index - 1]?.order;
	const after = others[index]?.order;
	const order =
		before === undefined && after === undefined
			? 1
			: before === undefined
				? after! - 1
				: after === undefined
					? before + 1
					: (before + after) / 2;
	m.set('order', order);
}

export function removeItem(doc: Y.Doc, id: string) {
	itemsMap(doc).delete(id);
}

export function setMinutes(doc: Y.Doc, id: string, minutes: number) {
	itemAt(doc, id)?.set('minutes', clampMinutes(minutes));
}

export function itemText(doc: Y.Doc, id: string, field: 'title' | 'notes'): Y.Text | undefined {
	const t = itemAt(doc, id)?.get(field);
	return t instanceof Y.Text ? t : undefined;
}

/** The proposal ids linked from the agenda. */
export function linkedProposals(doc: Y.Doc): number[] {
	return listItems(doc)
		.map((i) => i.proposalId)
		.filter((p): p is number => p !== null);
}
