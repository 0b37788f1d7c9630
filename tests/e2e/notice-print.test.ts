import { expect, test } from '@playwright/test';
import { hydrated, staffPage } from './helpers';

/**
 * 会议通知: the facilitator schedules a meeting, copies the WeChat text, moves the meeting, and prints the
 * new notice on A4; a phone opening the link (as from the group) reads it without scrolling sideways,
 * and the old notice says it is void.
 */
test.use({ locale: 'zh-CN' });

test('a meeting notice is printed, sent as text, and re-issued when the meeting moves', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'facilitator');
	await page.goto('/meetings/new');
	await hydrated(page);
	await page.getByLabel('议事会名称').fill('1栋讨论楼道杂物清理');
	await page.getByLabel('范围').selectOption({ label: '富春小区 1栋' });
	await page.getByLabel(/日期和时间/).fill('2027-02-03T19:30');
	await page.getByLabel('地点').fill('1栋架空层');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page).toHaveURL(/\/meetings\/\d+$/);
	const meetingId = Number(new URL(page.url()).pathname.split('/').pop());

	const wechat = page.getByLabel('发到楼栋微信群的文字');
	await expect(wechat).toHaveValue(/【会议通知】1栋讨论楼道杂物清理/);
	await expect(wechat).toHaveValue(/地点：1栋架空层/);
	await expect(wechat).toHaveValue(new RegExp(`/meetings/${meetingId}/notice$`));

	await page.getByLabel('新的时间').fill('2027-02-04T19:00');
	await page.getByLabel('新的地点').fill('社区活动室');
	await page.getByRole('button', { name: '发出新通知' }).click();
	await expect(page.getByRole('status')).toHaveText('已发出第 2 版通知。');
	await expect(wechat).toHaveValue(/地点：社区活动室/);

	await page.getByRole('link', { name: '打开通知' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('1栋讨论楼道杂物清理');
	await expect(page.getByText('地点：社区活动室')).toBeVisible();
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: '打印通知（A4）' })).toBeHidden();
	const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
	const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
	// One A4 sheet for the door.
	expect(boxes.map(([, w, h]) => [Math.round(+w), Math.round(+h)])).toEqual([[595, 842]]);

	const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
	const reader = await phone.newPage();
	await reader.goto(`/meetings/${meetingId}/notice?v=1`);
	await expect(reader.getByRole('alert')).toContainText('这份通知已经作废');
	await expect(reader.getByText('地点：1栋架空层')).toBeVisible();
	await reader.getByRole('link', { name: '查看最新通知（第 2 版）' }).click();
	await expect(reader.getByText('地点：社区活动室')).toBeVisible();
	const overflow = await reader.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
	await Promise.all([ctx.close(), phone.close()]);
});
