import { expect, test } from '@playwright/test';
import { connected, staffPage } from './helpers';

/**
 * What a person sees when the live limits act: a committee member whose paste is too large for the
 * rules draft (on a phone), and an admin deleting a staff account (on a laptop, and fitting a phone).
 */
test.use({ locale: 'zh-CN' });

test('a paste too large for the rules draft is refused in words, and the page does not resend it', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'committee', { width: 360, height: 740 });
	const opened: string[] = [];
	page.on('websocket', (ws) => {
		if (ws.url().includes('/yjs/')) opened.push(ws.url());
	});
	await page.goto('/rules');
	await connected(page);
	const editor = page.locator('.rules-body');
	await expect(editor).toHaveAttribute('contenteditable', 'true');
	await editor.click();
	// 400,000 characters of 3 bytes: one update over the server's 1 MiB message cap.
	await editor.evaluate((el, size) => {
		const data = new DataTransfer();
		data.setData('text/plain', '村'.repeat(size));
		el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
	}, 400_000);
	await expect(page.getByRole('alert')).toContainText('修改太大，没有保存');
	await expect(page.getByRole('status').filter({ hasText: '连接已断开' })).toBeVisible();
	const connections = opened.length;
	// y-websocket retries within 2.5 s of a transient close; a final one must stay closed.
	await page.waitForTimeout(3_000);
	expect(opened.length).toBe(connections);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await ctx.close();
});

test('an admin deletes a staff account: it is marked disabled, offers no second delete, and cannot log in', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'admin');
	const username = `leaving${Date.now()}`;
	await page.goto('/admin/staff');
	await page.getByLabel('姓名和职务').fill('离任委员');
	await page.getByLabel('用户名').fill(username);
	await page.getByLabel('密码').fill('long-enough-password');
	await page.getByRole('button', { name: '添加' }).last().click();
	const entry = page.getByRole('listitem').filter({ hasText: `用户名：${username}` });
	await expect(entry).toBeVisible();
	await entry.getByText('删除账号…').click();
	await expect(entry.getByText('不能再登录')).toBeVisible();
	await entry.getByRole('button', { name: '确认删除离任委员的账号' }).click();
	await expect(entry.getByText('（已停用）')).toBeVisible();
	await expect(entry.getByText('删除账号…')).toBeHidden();
	for (const width of [1280, 360]) {
		await page.setViewportSize({ width, height: 800 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
	}

	const other = await browser.newContext({ locale: 'zh-CN' });
	const login = await other.newPage();
	await login.goto('/login');
	await login.getByLabel('用户名').fill(username);
	await login.getByLabel('密码').fill('long-enough-password');
	await login.getByRole('button', { name: '登录' }).click();
	await expect(login.getByRole('alert')).toContainText('用户名或密码不正确');
	await other.close();
	await ctx.close();
});
