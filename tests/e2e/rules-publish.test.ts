import { expect, test } from '@playwright/test';
import { ensureDraft, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * From draft to published text (on the draft rules-editor.test.ts left, or a short one): a resident
 * suggests new wording on selected text, the committee accepts it, a facilitator puts the whole draft
 * to a vote in a live meeting, the committee publishes it, and the public page prints on A4.
 */
test.use({ locale: 'zh-CN' });

test('a resident’s suggestion is accepted, the draft is adopted by a poll and published for print', async ({
	browser
}) => {
	test.setTimeout(120_000);
	await ensureDraft(process.env.E2E_BASE_URL!);
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const resident = await residentPhone(browser, invitation);
	await resident.page.goto('/rules');
	const firstClause = resident.page.locator('.rules-body .rules-clause p').first();
	await expect(firstClause).toBeVisible();

	// Selecting words in the read-only draft anchors the comment to them.
	await firstClause.click({ clickCount: 3 });
	await resident.page.getByRole('button', { name: '评论选中的文字' }).click();
	await expect(resident.page.getByText(/选中的文字：“.+”/)).toBeVisible();
	await resident.page.getByLabel('建议改为新的写法').check();
	await resident.page.getByLabel('您的意见').fill('请写明由谁负责');
	await resident.page.getByLabel('建议这一条改为').fill('爱护公共设施，损坏的由责任人照价赔偿。');
	await resident.page.getByRole('button', { name: '提交', exact: true }).click();
	await expect(resident.page.getByTestId('rules-comment').first()).toContainText('请写明由谁负责');

	// The committee accepts it: the clause now reads as suggested, live in the resident's draft.
	const { ctx: committeeCtx, page: committee } = await staffPage(browser, 'committee');
	await committee.goto('/rules/comments');
	await committee.getByRole('button', { name: '采纳（用这段文字替换这一条）' }).click();
	await expect(committee.getByTestId('rules-comment').first()).toHaveAttribute('data-status', 'accepted');
	await expect(firstClause).toHaveText('爱护公共设施，损坏的由责任人照价赔偿。');

	// A facilitator puts the whole draft to a vote in a live meeting; four households raise hands.
	const { ctx: staffCtx, page: facilitator } = await staffPage(browser, 'facilitator');
	const { meetingId } = await startBuildingMeeting(facilitator, '1栋讨论居民公约', '2026-12-02T19:30');
	const mark = facilitator.getByRole('button', { name: /^标记 .+ 到会$/ });
	for (let left = 6; left > 2; left--) {
		await mark.first().click();
		await expect(mark).toHaveCount(left - 1);
	}
	await facilitator.goto('/rules/adopt');
	await facilitator.getByLabel('在哪个会议上表决').selectOption({ label: '1栋讨论居民公约' });
	await facilitator.getByLabel('全文').check();
	await facilitator.getByRole('button', { name: '发起表决' }).click();
	await expect(facilitator).toHaveURL(new RegExp(`/m/${meetingId}/console$`));
	await expect(facilitator.getByText(/是否通过《.+》全文/).first()).toBeVisible();
	await facilitator.locator('#hands-yes').fill('4');
	await facilitator.getByRole('button', { name: '保存举手票数' }).click();
	await facilitator.getByRole('button', { name: '结束表决' }).click();
	await facilitator.getByRole('button', { name: '确定结束表决' }).click();
	await expect(facilitator.locator('.closed .outcome').first()).toContainText('通过');

	// Every clause is adopted; the committee publishes the text with the day it takes effect.
	await committee.goto('/rules/adopt');
	await expect(committee.locator('[data-clause-status="pending"]')).toHaveCount(0);
	await committee.getByLabel('生效日期').fill('2027-01-01');
	await committee.getByRole('button', { name: '公布' }).click();
	await expect(committee).toHaveURL(/\/rules\/published\/\d+$/);
	const publicPath = new URL(committee.url()).pathname;

	// The public page needs no login and prints on A4 without the site's navigation.
	const visitor = await browser.newContext({ locale: 'zh-CN' });
	const page = await visitor.newPage();
	await page.goto(publicPath);
	await expect(page.getByText('自 2027-01-01 起施行')).toBeVisible();
	await expect(page.getByText('爱护公共设施，损坏的由责任人照价赔偿。')).toBeVisible();
	await expect(page.getByTestId('publication-hash')).toHaveText(/^[0-9a-f]{64}$/);
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('header').first()).toBeHidden();
	await expect(page.getByRole('button', { name: '打印（A4）' })).toBeHidden();
	await expect(page.locator('.rules-text .clause').first()).toBeVisible();
	const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
	const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
	expect(boxes.length).toBeGreaterThan(0);
	for (const [, w, h] of boxes) expect([Math.round(+w), Math.round(+h)]).toEqual([595, 842]); // A4 in points
	await Promise.all([resident.ctx.close(), committeeCtx.close(), staffCtx.close(), visitor.close()]);
});
