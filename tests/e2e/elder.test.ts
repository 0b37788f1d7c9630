import { expect, test, type Page } from '@playwright/test';
import { connected, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * 长辈版 on a 360-px phone: switched on from the home page, remembered by the device and the account,
 * MIIT's numbers on the meeting and ballot pages, one task at a time, read-aloud that explains itself
 * when the phone cannot speak, and a 200% font that still fits. With SCREENSHOTS=1 it also saves the
 * main pages in elder mode to docs/screenshots/.
 */
test.use({ locale: 'zh-CN' });

const shot = async (page: Page, name: string) => {
	if (process.env.SCREENSHOTS)
		await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
};
const px = (page: Page, selector: string, prop: string) =>
	page
		.locator(selector)
		.first()
		.evaluate((el, p) => parseFloat(getComputedStyle(el).getPropertyValue(p)), prop);

test('a resident switches to 长辈版, keeps it on another phone, and votes on large, simple pages', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const phone = { viewport: { width: 360, height: 740 }, locale: 'zh-CN' };

	// Switched on from the home page: the server renders it, so it holds without JavaScript too.
	const ctx = await browser.newContext(phone);
	const page = await ctx.newPage();
	await page.goto(invitation);
	await page.getByRole('button', { name: '切换到长辈版（大字）' }).click();
	await expect(page.locator('html')).toHaveAttribute('data-elder', '1');
	expect(await px(page, 'main p', 'font-size')).toBeGreaterThanOrEqual(24); // 18 pt
	await shot(page, 'elder-home');

	// Another phone of the same resident (the printed card works again) starts in 长辈版: the account remembers.
	const other = await browser.newContext(phone);
	const otherPage = await other.newPage();
	await otherPage.goto(invitation);
	await expect(otherPage.locator('html')).toHaveAttribute('data-elder', '1');
	await other.close();

	// A meeting with an open poll.
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator');
	const { meetingId, code } = await startBuildingMeeting(console_, '1栋长辈版议事会', '2026-12-03T19:30');
	await console_.locator('#new-title').fill('是否在1栋门口加装扶手');
	await console_.getByRole('button', { name: '添加议题' }).click();
	await console_
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();

	await page.goto(`/j/${code}`);
	await expect(page).toHaveURL(new RegExp(`/m/${meetingId}$`));
	await connected(page);
	await console_.getByRole('button', { name: '发起表决' }).click();

	// One task at a time: the question and big answers; the agenda waits behind a button.
	const yes = page.getByRole('radio', { name: '同意' });
	const option = page.locator('label', { has: yes });
	await expect(option).toBeVisible();
	await expect(page.getByRole('heading', { name: '议程' })).toBeHidden();
	const box = (await option.boundingBox())!;
	expect(box.height).toBeGreaterThanOrEqual(60);
	expect(box.width).toBeGreaterThanOrEqual(60);
	expect(await px(page, '.poll-card .question', 'font-size')).toBeGreaterThanOrEqual(24);
	const lineHeight = await page
		.locator('main p')
		.first()
		.evaluate((el) => {
			const s = getComputedStyle(el);
			return parseFloat(s.lineHeight) / parseFloat(s.fontSize);
		});
	expect(lineHeight).toBeGreaterThanOrEqual(1.3);
	await shot(page, 'elder-ballot');

	// Read-aloud says plainly why it cannot speak on a phone without a Chinese voice.
	await page.getByRole('button', { name: '朗读问题和选项' }).click();
	await expect(page.getByText(/没有中文朗读语音|不支持朗读/).first()).toBeVisible();

	await option.click();
	await page.getByRole('button', { name: '投票', exact: true }).click();
	await expect(page.getByText('您选择了：同意。确认投票？')).toBeVisible();
	await page.getByRole('button', { name: '确认', exact: true }).click();
	await expect(page.getByText('您的选票已计入')).toBeVisible();
	// The receipt replaced the form: focus lands on it, not on a button that is gone.
	await expect(page.locator('.counted')).toBeFocused();
	await page.getByRole('button', { name: '显示全部内容' }).click();
	await expect(page.getByRole('heading', { name: '议程' })).toBeVisible();
	await shot(page, 'elder-meeting');
	if (process.env.SCREENSHOTS) {
		for (const [path, name] of [
			['/proposals', 'elder-proposals'],
			['/rules', 'elder-rules'],
			['/followups', 'elder-followups']
		]) {
			await page.goto(path);
			await shot(page, name);
		}
		await page.goto(`/m/${meetingId}`);
	}

	// A very large system font (200%) still fits the 360-px screen, and the actions stay reachable.
	await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await expect(page.getByRole('button', { name: /举手|放下/ }).first()).toBeVisible();
	await Promise.all([ctx.close(), staff.close()]);
});
