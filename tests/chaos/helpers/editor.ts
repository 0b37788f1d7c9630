/**
 * Editors typing into co-edited documents over y-websocket. Each keystroke is a token such as
 * `[A-rules-17]` inserted between tokens (never inside one, so tokens stay whole under concurrent
 * inserts), which lets the test name every edit: who typed it, which peers have seen it, and whether
 * the stored document holds it exactly once.
 */
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { addItem, itemText } from '$lib/agenda';
import { RULES_FRAGMENT } from '$lib/rules/schema';
import { findClause } from '$lib/rules/edit';
import { writeDraft } from '../../helpers/rules-draft';
import { providerFor, synced } from '../../helpers/yjs';
import type { Rng } from './config';

export type DocKind = 'agenda' | 'rules';

const AGENDA_ITEM = 'chaos-item';
const CLAUSES = ['c1', 'c2', 'c3'];
const TOKEN = /\[[A-Z]-[a-z]+-\d+\]/g;

/** Every token in a document, in document order (duplicates kept, so they can be counted). */
export function tokensIn(kind: DocKind, doc: Y.Doc): string[] {
	const text =
		kind === 'agenda'
			? (itemText(doc, AGENDA_ITEM, 'notes')?.toString() ?? '')
			: doc.getXmlFragment(RULES_FRAGMENT).toString();
	return text.match(TOKEN) ?? [];
}

/** The texts an editor types into: the agenda item's notes, or the first paragraph of each clause. */
function targets(kind: DocKind, doc: Y.Doc): Array<Y.Text | Y.XmlText> {
	if (kind === 'agenda') {
		const t = itemText(doc, AGENDA_ITEM, 'notes');
		return t ? [t] : [];
	}
	return CLAUSES.map((id) => findClause(doc, id))
		.filter((c): c is Y.XmlElement => c !== null)
		.map((c) => (c.get(0) as Y.XmlElement).get(0) as Y.XmlText);
}

/** Lays down the structure both editors type into (the first editor does this once). */
export function prepareDoc(kind: DocKind, doc: Y.Doc) {
	if (kind === 'agenda') addItem(doc, { title: '加装电梯', minutes: 20 }, AGENDA_ITEM);
	else writeDraft(doc, '富春小区居民公约', ['爱护公共设施。', '垃圾分类投放。', '不乱停车。']);
}

export const structureReady = (kind: DocKind, doc: Y.Doc) => targets(kind, doc).length > 0;

export class Editor {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	/** Tokens this editor typed, in order. */
	readonly typed: string[] = [];
	/** Tokens of other editors this editor has seen (i.e. the server relayed them). */
	readonly seen = new Set<string>();
	private n = 0;
	private timer: ReturnType<typeof setInterval> | undefined;

	constructor(
		readonly letter: string,
		readonly kind: DocKind,
		url: string,
		docName: string,
		cookie: string,
		private readonly rng: Rng
	) {
		this.provider = providerFor(url, docName, cookie, this.doc);
		this.doc.on('update', () => {
			for (const t of tokensIn(kind, this.doc)) if (!t.startsWith(`[${letter}-`)) this.seen.add(t);
		});
	}

	synced = () => synced(this.provider);

	/** One keystroke: a new token at a random boundary between tokens of one of the targets. */
	type(): string | null {
		const ts = targets(this.kind, this.doc);
		if (ts.length === 0) return null;
		const text = this.rng.pick(ts);
		const s = text.toString();
		const bounds = [0];
		for (const m of s.matchAll(TOKEN)) bounds.push(m.index! + m[0].length);
		// Before the first token the original clause text is there: appending after it also works.
		bounds.push(s.length);
		const at = this.rng.pick(bounds);
		const token = `[${this.letter}-${this.kind}-${++this.n}]`;
		text.insert(at, token);
		this.typed.push(token);
		return token;
	}

	/** Types every `everyMs` (whether connected or not: edits made offline are sent on reconnect). */
	start(everyMs: number) {
		this.timer = setInterval(() => this.type(), everyMs);
	}

	stop() {
		clearInterval(this.timer);
	}

	destroy() {
		this.stop();
		this.provider.destroy();
	}
}
