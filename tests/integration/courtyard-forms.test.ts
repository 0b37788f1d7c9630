/**
 * Pages as a browser without JavaScript gets them from the real server: the new-proposal form names
 * every empty field and refuses a too-long title in words, and the rules versions page does not
 * speak of a last saved version before there is one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db';
import { startServer, type TestServer } from '../helpers/server';
import { login, postForm } from '../helpers/http';
import { residentsOf } from '../helpers/residents';

let server: TestServer;
let db: Db;
const { cookieFor } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
});
afterAll(async () => {
	db?.$client.close();
	await server?.cleanup();
});

/** The text of the page's alert, tags dropped. */
const alertText = (html: string) =>
	(html.match(/role="alert"[^>]*>([\s\S]*?)<\/p>/)?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the new-proposal form without JavaScript', () => {
	it('names both empty fields at once', async () => {
		const cookie = cookieFor(1); // a demo resident of 1栋
		const res = await postForm(
			`${server.url}/proposals/new`,
			{ title: '', description: '', category: 'other', about: 'building:1' },
			cookie
		);
		expect(res.status).toBe(400);
		const alert = alertText(await res.text());
		expect(alert).toContain('请填写：标题和详细说明');
	});

	it('refuses a 5,000-character title with its limit and length, keeping what was typed', async () => {
		const cookie = cookieFor(1);
		const title = '灯'.repeat(5000);
		const res = await postForm(
			`${server.url}/proposals/new`,
			{ title, description: '三楼', category: 'other', about: 'building:1' },
			cookie
		);
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(alertText(html)).toContain('标题最多 80 个字，现在有 5000 个字');
		expect(html).toContain(title);
		expect(html).toContain('最多 80 个字，已超出 4920 个字');
	});
});

describe('the rules versions page', () => {
	it('says no version is saved yet, not that nothing changed since the last one', async () => {
		const cookie = await login(server.url, 'committee');
		const res = await fetch(`${server.url}/rules/versions`, { headers: { cookie } });
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).not.toContain('上次保存以来没有修改');
		expect(html).toContain('还没有保存过版本');
	});
});
