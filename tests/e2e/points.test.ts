import { expect, test } from '@playwright/test';
import { residentPhone, staffPage } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * 积分兑换 end to end: a resident reads her balance on the phone (360 px); the information officer
 * is refused a redemption beyond it, then hands over a bag of washing powder for 20 points; the
 * resident's balance and history show it.
 */
test('a staff redemption lowers the balance the resident sees, and one beyond it is refused', async ({
	browser
}) => {
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const { ctx: phone, page: mine, name } = await residentPhone(browser, invitation);
	await mine.getByRole('link', { name: '我的积分' }).click();
	await expect(mine.getByRole('heading', { level: 1 })).toHaveText('我的积分');
	const balanceOf = async () =>
		Number((await mine.getByTestId('points-balance').innerText()).replace(/\D/g, ''));
	const before = await balanceOf();
	expect(before).toBeGreaterThanOrEqual(60); // the demo's base points, plus whatever other tests earned her
	// Readable at 360 px: nothing wider than the phone.
	expect(await mine.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

	const { ctx: staff, page } = await staffPage(browser, 'officer');
	await page.goto('/');
	await page.getByRole('link', { name: '积分管理' }).first().click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('积分管理');
	const redeem = page.locator('form#redeem');
	const option = redeem.locator('option', { hasText: name });
	await redeem.getByLabel('居民').selectOption((await option.getAttribute('value'))!);

	await redeem.getByLabel('兑换积分').fill(String(before + 1));
	await redeem.getByLabel('兑换物品').fill('大米一袋');
	await redeem.getByRole('button', { name: '确认兑换' }).click();
	await expect(redeem.getByRole('alert')).toHaveText('积分不够，不能兑换这么多。');

	await redeem.getByLabel('兑换积分').fill('20');
	await redeem.getByLabel('兑换物品').fill('洗衣粉一袋');
	await redeem.getByRole('button', { name: '确认兑换' }).click();
	await expect(redeem.getByRole('status')).toBeVisible();
	await expect(page.locator('tr', { hasText: name }).locator('td').first()).toHaveText(String(before - 20));

	await mine.reload();
	expect(await balanceOf()).toBe(before - 20);
	const last = mine.locator('.ledger li').first();
	await expect(last).toContainText('积分兑换');
	await expect(last).toContainText('−20');
	await expect(last).toContainText('洗衣粉一袋');
	await expect(last).toContainText('记录人：');
	await phone.close();
	await staff.close();
});
