/**
 * What an operator and a resident see of the release and of the help: /healthz names the running
 * version (docs/operations.md tells monitors to read it), every page's footer shows it and links the
 * quick cards, and the cards are public, so a printed card's address works on a phone not logged in.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
let server: TestServer;

beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server?.cleanup();
});

describe('version and help', () => {
	it('reports package.json’s version in /healthz', async () => {
		const res = await fetch(`${server.url}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ ok: true, version });
	});

	it('shows the version and a help link in the footer', async () => {
		const html = await (await fetch(`${server.url}/`)).text();
		expect(html).toContain(`v${version}`);
		expect(html).toMatch(/<footer[^>]*>[\s\S]*href="\/help"/);
	});

	it('serves the quick cards without a login, in Chinese', async () => {
		for (const [path, words] of [
			['/help', ['居民速查卡', '主持人速查卡']],
			['/help/resident', ['扫码', '签到', '举手', '投票', '查回执']],
			['/help/facilitator', ['开会前', '开会中', '会后']]
		] as const) {
			const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
			expect(res.status, path).toBe(200);
			const html = await res.text();
			for (const word of words) expect(html, `${path}: ${word}`).toContain(word);
		}
	});
});
