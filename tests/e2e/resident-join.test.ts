import { expect, test } from '@playwright/test';
import { demoInvitationPaths } from '../helpers/server';

test.use({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });

test('a resident opens an invitation link on a phone and lands logged in, in Chinese', async ({ page }) => {
	const [path] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	expect(path).toBeTruthy();
	await page.goto(path);
	await expect(page).toHaveURL(/\/$/);
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('您好');
	await expect(page.getByText(/您是 1栋/)).toBeVisible();
	await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
	// Nothing wider than the phone: no sideways scrolling at 360 px.
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
});

test('a forged invitation shows a clear page and no session', async ({ page }) => {
	await page.goto('/join/' + 'b'.repeat(40));
	await expect(page.getByRole('alert')).toContainText('这个邀请链接无效');
	await page.goto('/');
	await expect(page.getByRole('link', { name: '工作人员请登录' })).toBeVisible();
});
