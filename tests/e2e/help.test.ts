import { expect, test } from '@playwright/test';

/**
 * The quick cards (/help): a visitor without a login reaches them from the footer, and each card prints
 * on exactly one A4 page with its buttons left off, so a community worker can pin it on the wall.
 */
test.use({ locale: 'zh-CN' });

test('the quick cards are linked from every page and print on one A4 page each', async ({ page }) => {
	await page.goto('/login');
	await page.locator('footer').getByRole('link', { name: '帮助' }).click();
	await expect(page).toHaveURL(/\/help$/);
	for (const [name, heading, last] of [
		['居民速查卡', '居民速查卡', '查回执'],
		['主持人速查卡', '主持人速查卡', '会后']
	]) {
		await page.goto('/help');
		await page.getByRole('link', { name }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
		await expect(page.getByText(last, { exact: false }).first()).toBeVisible();
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('button', { name: '打印（A4）' })).toBeHidden();
		await expect(page.locator('footer')).toBeHidden();
		const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
		const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
		expect(boxes.length, `${name}: pages`).toBe(1);
		// A4 is 595 × 842 points.
		expect(Math.round(Number(boxes[0][1])), name).toBe(595);
		expect(Math.round(Number(boxes[0][2])), name).toBe(842);
		await page.emulateMedia({ media: 'screen' });
	}
});
