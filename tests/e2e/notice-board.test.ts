import { expect, test } from '@playwright/test';
import { staffPage, startBuildingMeeting } from './helpers';

/**
 * The public notice board (公示): a facilitator closes a poll into a resolution; a visitor without a
 * login opens the community's board on a phone, finds the resolution, presses 验证 and reads that the
 * chain is intact, with and without JavaScript. Then the dashboard draws its charts for staff.
 */
test.use({ locale: 'zh-CN' });
// The dashboard test reads the meeting the first test holds.
test.describe.configure({ mode: 'serial' });

test('an anonymous visitor verifies the resolution chain on the public board', async ({ browser }) => {
	test.setTimeout(90_000);
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator');
	// An hour ago in China time, so the meeting falls in the dashboard's last twelve months.
	const when = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);
	await startBuildingMeeting(console_, '1栋公示测试会', when);
	const question = '是否在楼下增设晾衣架';
	await console_.locator('#new-title').fill(question);
	await console_.getByRole('button', { name: '添加议题' }).click();
	await console_
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();
	await expect(console_.getByLabel('表决的问题')).toHaveValue(question);
	await console_.getByRole('button', { name: '发起表决' }).click();
	await console_.getByRole('button', { name: '结束表决' }).click();
	await console_.getByRole('button', { name: '确定结束表决' }).click();
	await expect(console_.getByRole('link', { name: '查看决议公示' })).toBeVisible();

	// The home page links to the community's board.
	await console_.goto('/');
	const board = (await console_.getByRole('link', { name: '公示栏' }).getAttribute('href'))!;
	expect(board).toMatch(/^\/notice\/\d+$/);

	for (const javaScriptEnabled of [true, false]) {
		const visitor = await browser.newContext({
			viewport: { width: 360, height: 740 },
			locale: 'zh-CN',
			javaScriptEnabled
		});
		const page = await visitor.newPage();
		await page.goto(board);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('湖畔社区 公示栏');
		const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: question }) });
		await expect(item).toContainText('未达到法定人数');
		await expect(page.getByRole('link', { name: '登录' })).toBeVisible(); // nobody is logged in
		await page.getByRole('button', { name: '验证', exact: true }).click();
		const status = page.getByRole('status');
		await expect(status).toContainText(/完整：全部 \d+ 条决议的哈希链完好，没有被改动过。/);
		await expect(status).toContainText('核验时间');
		// Legible on a 360-px phone: nothing wider than the screen.
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		if (javaScriptEnabled)
			await page.screenshot({ path: 'test-results/notice-board-phone.png', fullPage: true });
		await visitor.close();
	}
	await staff.close();
});

test('the dashboard draws its charts with a table for each, and a building head sees their building', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'facilitator');
	await page.goto('/');
	await page.getByRole('link', { name: '统计' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('统计');
	const proposals = page
		.locator('section')
		.filter({ has: page.getByRole('heading', { name: '诉求：收到与决议' }) });
	await expect(proposals.getByRole('img', { name: /诉求：收到与决议/ })).toBeVisible();
	await expect(proposals.getByRole('table').getByRole('row')).toHaveCount(13);
	// Chart.js has drawn into the canvas: some pixel is no longer transparent (axes, labels, legend).
	const drawn = (c: HTMLCanvasElement) => {
		const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
		return pixels.some((v, i) => i % 4 === 3 && v > 0);
	};
	await expect.poll(() => proposals.locator('canvas').evaluate(drawn)).toBe(true);
	const participation = page
		.locator('section')
		.filter({ has: page.getByRole('heading', { name: '每次议事会的参与率' }) });
	await expect(participation.getByRole('row').filter({ hasText: '1栋公示测试会' })).toBeVisible();
	await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
	await proposals.screenshot({ path: 'test-results/dashboard-proposals.png' });
	await ctx.close();

	const head = await staffPage(browser, 'building1', { width: 360, height: 740 });
	await head.page.goto('/dashboard');
	const place = head.page.getByLabel('范围');
	await expect(place.locator('option')).toHaveText(['富春小区 1栋']);
	const overflow = await head.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await head.ctx.close();
});
