/**
 * 4. Co-editing: a 30 KB village rules draft, 3 typists at 8 keys/s (real y-websocket providers, with
 * live cursors), 200 light readers with awareness; edit→readers latency, time-to-sync when all readers
 * join at once, server CPU; then cold load of a document with 20,000 stored updates, before and after
 * compaction. The baseline is a bare in-memory y-websocket server with the same clients.
 */
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import type { Db } from '$lib/server/db';
import { yjsSnapshot, yjsUpdate } from '$lib/server/db/schema';
import { NODE, RULES_FRAGMENT } from '$lib/rules/schema';
import { eq } from 'drizzle-orm';
import { writeDraft } from '../helpers/rules-draft';
import { providerFor, synced } from '../helpers/yjs';
import type { Child } from './lib/proc';
import { loadMeter } from './lib/proc';
import { YReader } from './lib/yreader';
import { cookieForUser, newBuilding, userNamed } from './lib/seed';
import { median, scaled, sleep, summarize } from './lib/stats';

const DOC = 'rules:1';
const KEYS_PER_S = 8;

export type CoeditRun = {
	readers: number;
	docKB: number;
	editToReaders: { n: number; p50: number; p99: number; max: number };
	joinAll: { n: number; p50: number; p99: number; max: number };
	serverCoreShare: number;
	eldP99: number;
	loadCoreShare: number;
	keystrokes: number;
};
export type CoeditResult = {
	app: CoeditRun;
	baseline: CoeditRun;
	coldLoad: { updates: number; beforeMs: number; afterMs: number; inMemoryMs: number };
};

/** About 30 KB of UTF-8: 100 clauses of 100 Chinese characters. */
function draftDoc(): Y.Doc {
	const doc = new Y.Doc();
	const sentence = '本村村民应当爱护公共设施，垃圾分类投放，不乱停车，邻里互助，共同维护村容村貌和公共秩序。';
	const clauses = Array.from({ length: 100 }, (_, i) => `第${i + 1}条 ${sentence.repeat(3)}`.slice(0, 100));
	writeDraft(doc, '村规民约（压测稿）', clauses);
	return doc;
}

function paragraphOf(doc: Y.Doc, clauseId: string): Y.XmlText | undefined {
	for (const node of doc.getXmlFragment(RULES_FRAGMENT).toArray())
		if (node instanceof Y.XmlElement && node.nodeName === NODE.clause && node.getAttribute('id') === clauseId)
			return (node.get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

async function oneRun(
	child: Child,
	cookies: { typists: Array<string | undefined>; readers: Array<string | undefined> },
	seconds: number
): Promise<CoeditRun> {
	const typists: Array<{
		doc: Y.Doc;
		provider: WebsocketProvider;
		keys: Array<{ clock: number; at: number }>;
	}> = [];
	for (const [i, cookie] of cookies.typists.entries()) {
		const doc = new Y.Doc();
		const provider = providerFor(child.url, DOC, cookie, doc);
		await synced(provider);
		provider.awareness.setLocalStateField('user', { name: `起草人${i + 1}`, color: '#d93025' });
		typists.push({ doc, provider, keys: [] });
	}
	const docKB = Y.encodeStateAsUpdate(typists[0].doc).byteLength / 1024;

	// All readers at once.
	await child.stats('reset');
	const readers = await Promise.all(
		cookies.readers.map((cookie, i) => YReader.open(child.url, DOC, { cookie, name: `居民${i + 1}` }))
	);
	const joinAll = summarize(readers.map((r) => r.syncedAt - r.startedAt));
	await sleep(1000);

	const latencies: number[] = [];
	const ids = typists.map((t) => t.doc.clientID);
	for (const r of readers) {
		const next = ids.map(() => 0);
		r.onUpdate = (to, at) => {
			ids.forEach((id, k) => {
				const end = to.get(id);
				if (end === undefined) return;
				const keys = typists[k].keys;
				while (next[k] < keys.length && keys[next[k]].clock < end) latencies.push(at - keys[next[k]++].at);
			});
		};
	}
	const s0 = await child.stats('reset');
	const meter = loadMeter();
	const t0 = performance.now();
	const timers = typists.map((t, k) => {
		const text = paragraphOf(t.doc, `c${k * 30 + 1}`)!;
		return new Promise<void>((resolve) => {
			setTimeout(
				() => {
					const iv = setInterval(() => {
						if (performance.now() - t0 > seconds * 1000) {
							clearInterval(iv);
							return resolve();
						}
						const at = performance.now();
						text.insert(text.length, '议');
						t.keys.push({ clock: Y.getState(t.doc.store, t.doc.clientID) - 1, at });
						t.provider.awareness.setLocalStateField('cursor', { anchor: text.length, head: text.length });
					}, 1000 / KEYS_PER_S);
				},
				(k * 1000) / KEYS_PER_S / typists.length
			);
		});
	});
	await Promise.all(timers);
	await sleep(500);
	const load = meter();
	const s1 = await child.stats();
	const wallMs = performance.now() - t0;
	for (const r of readers) r.onUpdate = undefined;
	await Promise.all(readers.map((r) => r.close()));
	for (const t of typists) t.provider.destroy();
	await sleep(500);
	return {
		readers: readers.length,
		docKB,
		editToReaders: summarize(latencies),
		joinAll,
		serverCoreShare: (s1.cpuUs - s0.cpuUs) / 1000 / wallMs,
		eldP99: s1.eld.p99,
		loadCoreShare: load.share,
		keystrokes: typists.reduce((s, t) => s + t.keys.length, 0)
	};
}

/** Time from a reader's connect to the whole document arriving. */
async function timeToSync(url: string, docName: string, cookie?: string) {
	const r = await YReader.open(url, docName, { cookie, awareness: false });
	const ms = r.syncedAt - r.startedAt;
	await r.close();
	return ms;
}

export async function coediting(
	app: Child,
	db: Db,
	baseline: Child,
	log: (s: string) => void
): Promise<CoeditResult> {
	const nReaders = scaled(200, 5);
	const seconds = Number(process.env.BENCH_TYPING_S ?? 10);
	const reps = Math.max(1, Math.min(2, Number(process.env.BENCH_REPS ?? 2)));
	const content = Buffer.from(Y.encodeStateAsUpdate(draftDoc()));
	// The app: the draft stored as the document's snapshot, the way compaction leaves it.
	db.delete(yjsUpdate).where(eq(yjsUpdate.docName, DOC)).run();
	db.insert(yjsSnapshot)
		.values({ docName: DOC, state: content, updatedAt: new Date() })
		.onConflictDoUpdate({ target: yjsSnapshot.docName, set: { state: content, updatedAt: new Date() } })
		.run();
	// The baseline keeps what a first client pushed, in memory.
	const seedDoc = new Y.Doc();
	Y.applyUpdate(seedDoc, content);
	const seeder = providerFor(baseline.url, DOC, undefined, seedDoc);
	await synced(seeder);
	await sleep(300);

	const committee = userNamed(db, 'committee').id;
	const { people } = newBuilding(db, '起草读者楼', nReaders);
	const appCookies = {
		typists: [0, 1, 2].map(() => cookieForUser(db, committee)),
		readers: people.map((p) => p.cookie)
	};
	const baseCookies = { typists: [undefined, undefined, undefined], readers: people.map(() => undefined) };
	seeder.destroy();
	const runs = { app: [] as CoeditRun[], baseline: [] as CoeditRun[] };
	for (let rep = 0; rep < reps; rep++) {
		for (const side of rep % 2 === 0 ? (['app', 'baseline'] as const) : (['baseline', 'app'] as const)) {
			const r = await oneRun(
				side === 'app' ? app : baseline,
				side === 'app' ? appCookies : baseCookies,
				seconds
			);
			runs[side].push(r);
			log(
				`coediting ${side} #${rep + 1}: ${r.readers} readers, edit→readers p50 ${r.editToReaders.p50.toFixed(1)} p99 ${r.editToReaders.p99.toFixed(1)} ms ` +
					`(${r.editToReaders.n} samples), join-all p99 ${r.joinAll.p99.toFixed(0)} ms, server ${(r.serverCoreShare * 100).toFixed(0)}%, ` +
					`load ${(r.loadCoreShare * 100).toFixed(0)}%`
			);
		}
	}

	// Cold load: documents with 20,000 single-keystroke updates in the log and no snapshot.
	const updates = scaled(20_000, 500);
	const { buildingId } = newBuilding(db, '冷启动楼', 1);
	// Three rounds on one name: each round writes the log afresh.
	const names = [0, 1, 2].map(() => `building:${buildingId}:notes`);
	const staff = cookieForUser(db, committee);
	const before: number[] = [];
	const after: number[] = [];
	for (const [i, name] of names.entries()) {
		const rows: Buffer[] = [];
		const doc = new Y.Doc();
		doc.on('update', (u: Uint8Array) => rows.push(Buffer.from(u)));
		const text = doc.getText('notes');
		for (let k = 0; k < updates; k++) text.insert(text.length, k % 50 === 49 ? '\n' : '公');
		db.delete(yjsUpdate).where(eq(yjsUpdate.docName, name)).run();
		db.delete(yjsSnapshot).where(eq(yjsSnapshot.docName, name)).run();
		db.transaction((tx) => {
			for (const update of rows) tx.insert(yjsUpdate).values({ docName: name, update }).run();
		});
		before.push(await timeToSync(app.url, name, staff));
		await sleep(300); // the last one out compacts and unloads
		after.push(await timeToSync(app.url, name, staff));
		await sleep(300);
		if (i === 0) {
			// The same content served from memory by the baseline.
			const push = providerFor(baseline.url, 'cold', undefined, doc);
			await synced(push);
			await sleep(200);
			push.destroy();
		}
	}
	const inMemory: number[] = [];
	for (let i = 0; i < 3; i++) inMemory.push(await timeToSync(baseline.url, 'cold'));
	const coldLoad = {
		updates,
		beforeMs: median(before),
		afterMs: median(after),
		inMemoryMs: median(inMemory)
	};
	log(
		`cold load of ${updates} updates: ${coldLoad.beforeMs.toFixed(1)} ms, compacted ${coldLoad.afterMs.toFixed(1)} ms, in memory ${coldLoad.inMemoryMs.toFixed(1)} ms`
	);
	const pick = (rs: CoeditRun[]): CoeditRun => {
		const m = (f: (r: CoeditRun) => number) => median(rs.map(f));
		return {
			...rs[0],
			editToReaders: {
				...rs[0].editToReaders,
				p50: m((r) => r.editToReaders.p50),
				p99: m((r) => r.editToReaders.p99)
			},
			joinAll: { ...rs[0].joinAll, p50: m((r) => r.joinAll.p50), p99: m((r) => r.joinAll.p99) },
			serverCoreShare: m((r) => r.serverCoreShare),
			eldP99: m((r) => r.eldP99),
			loadCoreShare: Math.max(...rs.map((r) => r.loadCoreShare))
		};
	};
	return { app: pick(runs.app), baseline: pick(runs.baseline), coldLoad };
}
