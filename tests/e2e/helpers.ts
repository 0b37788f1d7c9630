/** Steps the end-to-end tests share: logging in as staff or as a resident, and opening a live meeting. */
import { expect, type Browser, type Page } from '@playwright/test';
import { readRules } from '$lib/rules/clauses';
import { rulesDocName } from '$lib/rules/schema';
import { login } from '../helpers/http';
import { writeDraft } from '../helpers/rules-draft';
import { providerFor, synced } from '../helpers/yjs';

/** A resident's phone (360×740) logged in through an invitation; `name` is the greeting's name. */
export async function residentPhone(
	browser: Browser,
	invitation: string,
	opts: { javaScript?: boolean } = {}
) {
	const ctx = await browser.newContext({
		viewport: { width: 360, height: 740 },
		locale: 'zh-CN',
		javaScriptEnabled: opts.javaScript ?? true
	});
	const page = await ctx.newPage();
	await page.goto(invitation);
	const heading = page.getByRole('heading', { level: 1 });
	await expect(heading).toContainText('您好');
	const name = (await heading.innerText()).replace(/，您好.*$/, '').trim();
	return { ctx, page, name };
}

/** A staff member logged in with the demo password. */
export async function staffPage(browser: Browser, username: string, viewport = { width: 1280, height: 800 }) {
	const ctx = await browser.newContext({ viewport, locale: 'zh-CN' });
	const page = await ctx.newPage();
	await page.goto('/login');
	await page.getByLabel('用户名').fill(username);
	await page.getByLabel('密码').fill('yizhan-demo');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('您好');
	return { ctx, page };
}

/** Waits until the page runs its scripts (src/routes/+layout.svelte marks it), before filling a form. */
export async function hydrated(page: Page) {
	await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
}

export async function connected(page: Page) {
	await expect(page.getByRole('status').filter({ hasText: '已连接' })).toBeVisible();
}

/**
 * The facilitator creates a public meeting for 1栋, opens its console and starts it. Returns its id
 * and the projector's path, which carries the join code (the same code as the QR code).
 */
export async function startBuildingMeeting(console_: Page, title: string, when: string) {
	await console_.goto('/meetings/new');
	await hydrated(console_);
	await console_.getByLabel('议事会名称').fill(title);
	await console_.getByLabel('范围').selectOption({ label: '富春小区 1栋' });
	await console_.getByLabel(/日期和时间/).fill(when);
	await console_.getByLabel('地点').fill('1栋楼下');
	await console_.getByRole('button', { name: '创建' }).click();
	await expect(console_).toHaveURL(/\/meetings\/\d+$/);
	const meetingId = Number(new URL(console_.url()).pathname.split('/').pop());
	await console_.goto(`/m/${meetingId}/console`);
	await connected(console_);
	const screenPath = (await console_.getByRole('link', { name: '打开投影屏幕' }).getAttribute('href'))!;
	const code = new URL(screenPath, 'http://x').searchParams.get('code')!;
	expect(code).toMatch(/^[a-z2-7]{8}$/);
	await console_.getByRole('button', { name: '开始会议' }).click();
	await expect(console_.getByRole('button', { name: '结束会议' })).toBeVisible();
	return { meetingId, screenPath, code };
}

/**
 * The village rules draft left by rules-editor.test.ts when it ran on this worker's server before, or a
 * short one: each Playwright worker drives its own server, so a file cannot count on another's draft.
 */
export async function ensureDraft(baseUrl: string) {
	const provider = providerFor(baseUrl, rulesDocName(1), await login(baseUrl, 'committee'));
	try {
		await synced(provider);
		if (readRules(provider.doc).items.some((i) => i.kind === 'clause')) return;
		writeDraft(provider.doc, '富春小区居民公约', ['爱护公共设施。', '垃圾分类投放。']);
		await new Promise((r) => setTimeout(r, 500));
	} finally {
		provider.destroy();
	}
}
