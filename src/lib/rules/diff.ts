/**
 * What changed between two versions of a rules document, clause by clause (and chapter by chapter),
 * matched by their stable ids, so a clause that moved or was renumbered is still the same clause.
 * Changed text is compared character by character: Chinese has no spaces to split words on, and a
 * resident checking a new version wants to see exactly which characters differ.
 */
import { diffArrays, diffChars } from 'diff';
import type { Rules, RulesItem } from './clauses';
import type { NumberedKind } from './schema';

export type Segment = { kind: 'same' | 'added' | 'removed'; text: string };
export type ItemRef = { number: number; label: string; text: string };

type Base = { itemKind: NumberedKind; id: string };
export type ItemChange =
	| (Base & { kind: 'added'; after: ItemRef })
	| (Base & { kind: 'removed'; before: ItemRef })
	/** The text differs; `moved` says whether it also changed place relative to the others. */
	| (Base & { kind: 'changed'; before: ItemRef; after: ItemRef; moved: boolean; segments: Segment[] })
	/** Same text, new place among the others (not merely renumbered because something was added before it). */
	| (Base & { kind: 'moved'; before: ItemRef; after: ItemRef });

export type RulesDiff = {
	title: { before: string; after: string; segments: Segment[] } | null;
	/** In the order of the new version; a removed item stands where it stood before. */
	changes: ItemChange[];
	unchanged: number;
};

/** Character-level segments from `before` to `after` (by code point, so no emoji is split). */
export function textSegments(before: string, after: string): Segment[] {
	const out: Segment[] = [];
	for (const part of diffChars(before, after)) {
		const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
		const last = out[out.length - 1];
		if (last?.kind === kind) last.text += part.value;
		else if (part.value) out.push({ kind, text: part.value });
	}
	return out;
}

const ref = (i: RulesItem): ItemRef => ({ number: i.number, label: i.label, text: i.text });

/** Items keyed by kind and id; an item without an id, or repeating one, gets a key of its own. */
function keyed(items: RulesItem[], side: string): Map<string, RulesItem> {
	const map = new Map<string, RulesItem>();
	items.forEach((item, index) => {
		const key = `${item.kind}:${item.id}`;
		map.set(item.id && !map.has(key) ? key : `${side}#${index}`, item);
	});
	return map;
}

export function diffRules(before: Rules, after: Rules): RulesDiff {
	const oldMap = keyed(before.items, 'old');
	const newMap = keyed(after.items, 'new');
	const oldKeys = [...oldMap.keys()];
	const newKeys = [...newMap.keys()];

	// Moved = not on the longest common subsequence of the items both versions have.
	const common = new Set(oldKeys.filter((k) => newMap.has(k)));
	const moved = new Set<string>();
	const seq = diffArrays(
		oldKeys.filter((k) => common.has(k)),
		newKeys.filter((k) => common.has(k))
	);
	for (const part of seq) if (part.added || part.removed) part.value.forEach((k) => moved.add(k));

	const placed: Array<{ at: number; change: ItemChange }> = [];
	let unchanged = 0;
	newKeys.forEach((key, index) => {
		const a = newMap.get(key)!;
		const b = oldMap.get(key);
		const base = { itemKind: a.kind, id: a.id };
		if (!b) placed.push({ at: index, change: { ...base, kind: 'added', after: ref(a) } });
		else if (b.text !== a.text)
			placed.push({
				at: index,
				change: {
					...base,
					kind: 'changed',
					before: ref(b),
					after: ref(a),
					moved: moved.has(key),
					segments: textSegments(b.text, a.text)
				}
			});
		else if (moved.has(key))
			placed.push({ at: index, change: { ...base, kind: 'moved', before: ref(b), after: ref(a) } });
		else unchanged++;
	});
	// A removed item goes just after the nearest earlier item that is still there.
	let anchor = -1;
	oldKeys.forEach((key, index) => {
		if (newMap.has(key)) anchor = newKeys.indexOf(key);
		else {
			const b = oldMap.get(key)!;
			const change: ItemChange = { itemKind: b.kind, id: b.id, kind: 'removed', before: ref(b) };
			placed.push({ at: anchor + 0.5 + index / (oldKeys.length + 1) / 2, change });
		}
	});
	placed.sort((x, y) => x.at - y.at);

	const title =
		before.title === after.title
			? null
			: { before: before.title, after: after.title, segments: textSegments(before.title, after.title) };
	return { title, changes: placed.map((p) => p.change), unchanged };
}
