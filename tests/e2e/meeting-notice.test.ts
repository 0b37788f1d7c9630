import { expect, test } from '@playwright/test';
import { connected, hydrated, staffPage } from './helpers';

test('scheduling an owners’ assembly too soon shows the legal notice period and a warning', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'facilitator');
	await page.goto('/meetings/new');
	await hydrated(page);
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

test('a residents’ assembly opens its poll under the law’s rules, shown with the article', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'facilitator');
	await page.goto('/meetings/new');
	await hydrated(page);
	await page.getByLabel('会议类型').selectOption({ label: '居民会议' });
	await page.getByLabel('议事会名称').fill('富春小区居民会议');
	await page.getByLabel('范围').selectOption({ label: '富春小区（整个小区）' });
	await page.getByLabel(/日期和时间/).fill('2027-01-20T19:30');
	await page.getByLabel('地点').fill('小区广场');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page).toHaveURL(/\/meetings\/\d+$/);
	const meetingId = Number(new URL(page.url()).pathname.split('/').pop());
	await page.goto(`/m/${meetingId}/console`);
	await connected(page);
	await page.getByRole('button', { name: '开始会议' }).click();
	await page.locator('#new-title').fill('是否同意增设电动车充电桩');
	await page.getByRole('button', { name: '添加议题' }).click();
	await page
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();

	await expect(page.getByRole('radio', { name: '居民会议' })).toBeChecked();
	await page.getByRole('radio', { name: /按年满十八周岁/ }).check();
	await expect(page.getByText(/依照城市居民委员会组织法 第九条、第十条/)).toBeVisible();
	await page.getByRole('button', { name: '发起表决' }).click();
	// The server accepted the preset: the poll is open, and its frozen rules (as everyone sees them) name the law.
	await expect(page.getByRole('button', { name: '结束表决' })).toBeVisible();
	await expect(page.getByRole('radio', { name: '居民会议' })).toBeHidden();
	await expect(
		page.getByText('依照城市居民委员会组织法 第九条、第十条', { exact: true }).first()
	).toBeAttached();
	await ctx.close();
});
