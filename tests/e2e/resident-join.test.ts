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

test('a phone already logged in is asked before an invitation switches it to another resident', async ({
	browser
}) => {
	const [first, second] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
	const page = await ctx.newPage();
	await page.goto(first);
	const me = (await page.getByRole('heading', { level: 1 }).innerText()).replace(/，您好.*$/, '').trim();
	// Opening another resident's card shows whose it is and who would be logged out; nothing changes yet.
	await page.goto(second);
	const heading = page.getByRole('heading', { level: 1 });
	await expect(heading).toContainText(/^以 .+ 的身份登录？$/);
	const other = (await heading.innerText()).replace(/^以 (.+) 的身份登录？$/, '$1');
	expect(other).not.toBe(me);
	await expect(page.getByRole('note')).toContainText(`现在登录的是 ${me}`);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await page.getByRole('link', { name: '不登录，返回首页' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(`${me}，您好`);
	// Confirming switches with one tap.
	await page.goto(second);
	await page.getByRole('button', { name: `以 ${other} 的身份登录` }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('heading', { level: 1 })).toContainText(`${other}，您好`);
	await ctx.close();
});
