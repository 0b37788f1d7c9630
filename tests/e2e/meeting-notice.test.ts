import { expect, test } from '@playwright/test';
import { staffPage } from './helpers';

test('scheduling an owners’ assembly too soon shows the legal notice period and a warning', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'facilitator');
	await page.goto('/meetings/new');
	await page.getByLabel('会议类型').selectOption({ label: '业主大会' });
	await expect(page.getByText('应当至少提前 15 天通知')).toBeVisible();
	await page.getByLabel('议事会名称').fill('业主大会（维修资金）');
	await page.getByLabel('范围').selectOption({ label: '富春小区（整个小区）' });
	// Three days and an hour from now, as China wall-clock time (the form's input is UTC+8).
	const soon = new Date(Date.now() + 3 * 24 * 3600 * 1000 + 3600 * 1000 + 8 * 3600 * 1000)
		.toISOString()
		.slice(0, 16);
	await page.getByLabel(/日期和时间/).fill(soon);
	await page.getByLabel('地点').fill('小区广场');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page).toHaveURL(/\/meetings\/\d+$/);
	await expect(page.getByText('业主大会', { exact: true })).toBeVisible();
	await expect(page.locator('[data-notice-short]')).toContainText('物业管理条例 第十四条');
	await expect(page.locator('[data-notice-short]')).toContainText('还差 12 天');
	await ctx.close();
});
