/**
 * The village rules draft over the real server: two committee editors and a resident reader on the
 * Yjs document `rules:1`, the reader's writes dropped, a resident's comment anchored to text that
 * others edit around at once, who edited which clause, and nothing lost across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { readRules } from '$lib/rules/clauses';
import { findClause } from '$lib/rules/edit';
import { openDatabase, type Db } from '$lib/server/db';
import { rulesComment, rulesEdit, user } from '$lib/server/db/schema';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';
import { writeDraft } from '../helpers/rules-draft';
import { providerFor, synced, until } from '../helpers/yjs';

let server: TestServer;
let db: Db;
const providers: WebsocketProvider[] = [];
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	for (const p of providers) p.destroy();
	db?.$client.close();
	await server?.cleanup();
});

async function open(cookie: string) {
	const doc = new Y.Doc();
	const provider = providerFor(server.url, 'rules:1', cookie, doc);
	providers.push(provider);
	await synced(provider);
	return { doc, provider };
}

const clauseText = (doc: Y.Doc, id: string) => readRules(doc).items.find((i) => i.id === id)?.text;
/** The XmlText of a clause's first paragraph (where the draft helper writes its words). */
const paragraphText = (doc: Y.Doc, id: string) =>
	(findClause(doc, id)!.get(0) as Y.XmlElement).get(0) as Y.XmlText;
const b64 = (rel: Y.RelativePosition) => Buffer.from(Y.encodeRelativePosition(rel)).toString('base64');

describe('co-drafting the village rules', () => {
	it('converges two editors, drops a reader, keeps a comment on its text, attributes edits and survives a restart', async () => {
		const committee = await login(server.url, 'committee');
		const admin = await login(server.url, 'admin');
		const resident = cookieFor(1); // a demo resident of 1栋
		const a = await open(committee);
		const b = await open(admin);
		const reader = await open(resident);

		a.doc.transact(() =>
			writeDraft(a.doc, '富春小区居民公约', ['爱护公共设施。', '垃圾分类投放。', '不乱停车。'])
		);
		await until(b.doc, () => clauseText(b.doc, 'c3') === '不乱停车。');
		await until(reader.doc, () => clauseText(reader.doc, 'c3') === '不乱停车。');

		// A resident comments on "分类" in 第二条; the anchor is a pair of Yjs relative positions.
		const t = paragraphText(reader.doc, 'c2');
		const start = b64(Y.createRelativePositionFromTypeIndex(t, 2));
		const end = b64(Y.createRelativePositionFromTypeIndex(t, 4, -1));
		const res = await postForm(
			`${server.url}/rules/comments?/add`,
			{
				clauseId: 'c2',
				kind: 'comment',
				body: '分几类？',
				quote: '分类',
				anchorStart: start,
				anchorEnd: end
			},
			resident
		);
		expect(res.status).toBeLessThan(400);
		const stored = db.select().from(rulesComment).where(eq(rulesComment.clauseId, 'c2')).get()!;
		expect(stored).toMatchObject({ quote: '分类', anchorStart: start, anchorEnd: end });

		// Both editors type into the same clause at once, before and after the commented words.
		paragraphText(a.doc, 'c2').insert(0, '按规定');
		paragraphText(b.doc, 'c2').insert(paragraphText(b.doc, 'c2').length - 1, '，不混投');
		const expected = '按规定垃圾分类投放，不混投。';
		await until(a.doc, () => clauseText(a.doc, 'c2') === expected);
		await until(b.doc, () => clauseText(b.doc, 'c2') === expected);
		await until(reader.doc, () => clauseText(reader.doc, 'c2') === expected);

		// The reader's own edit stays local: nobody else ever sees it.
		paragraphText(reader.doc, 'c1').insert(0, '读者乱写');
		paragraphText(a.doc, 'c3').insert(0, '小区内');
		await until(b.doc, () => clauseText(b.doc, 'c3') === '小区内不乱停车。');
		expect(clauseText(b.doc, 'c1')).toBe('爱护公共设施。');
		expect(clauseText(a.doc, 'c1')).toBe('爱护公共设施。');

		// The comment's anchor still marks "分类" after the edits around it.
		const resolve = (s: string) =>
			Y.createAbsolutePositionFromRelativePosition(
				Y.decodeRelativePosition(new Uint8Array(Buffer.from(s, 'base64'))),
				a.doc
			)!;
		const from = resolve(stored.anchorStart!);
		const to = resolve(stored.anchorEnd!);
		expect(paragraphText(a.doc, 'c2').toString().slice(from.index, to.index)).toBe('分类');

		// Who changed what: the committee member's and the admin's edits of 第二条 are on record.
		const editors = db
			.select({ name: user.username })
			.from(rulesEdit)
			.innerJoin(user, eq(rulesEdit.userId, user.id))
			.where(eq(rulesEdit.clauseId, 'c2'))
			.all()
			.map((r) => r.name)
			.sort();
		expect(editors).toEqual(['admin', 'committee']);

		const final = readRules(a.doc);
		for (const p of providers.splice(0)) p.destroy();
		server = await server.restart();
		const again = await open(await login(server.url, 'committee'));
		expect(readRules(again.doc)).toEqual(final);
	});
});
