import { expect, test } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * A poll that allows changes: a resident votes on her phone, so the console's 代投 list shows her as
 * 已投 instead of offering her; she changes her ballot herself, and after close the public resolution
 * page (on a 360-px phone) still finds her first receipt, marked as replaced.
 */
test.use({ locale: 'zh-CN' });

const RECEIPT = /^[a-hjkmnp-z2-9]{10}$/;

test('代投 is not offered for a resident who voted herself, and her replaced receipt stays findable', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator', {
		width: 1280,
		height: 900
	});
	const { meetingId, code } = await startBuildingMeeting(console_, '1栋门禁表决会', '2025-07-22T19:30');
	const alice = await residentPhone(browser, invitation);
	await alice.page.goto(`/j/${code}`);
	await expect(alice.page).toHaveURL(new RegExp(`/m/${meetingId}$`));
	await connected(alice.page);
	// A neighbour without a phone is marked present: 代投 stays open for her.
	const mark = console_.getByRole('button', { name: /^标记 .+ 到会$/ }).first();
	const neighbour = (await mark.getAttribute('aria-label'))!.replace(/^标记 /, '').replace(/ 到会$/, '');
	await mark.click();

	await console_.getByLabel('表决的问题').fill('是否同意更换单元门禁？');
	await console_.getByLabel('允许改票：结束前可以改投').check();
	await console_.getByRole('button', { name: '发起表决' }).click();
	await expect(console_.getByRole('button', { name: '结束表决' })).toBeVisible();

	const card = alice.page.locator('section.poll-card');
	const vote = async (choice: string) => {
		await card.getByRole('radio', { name: choice }).check();
		await card.getByRole('button', { name: '投票' }).click();
		await card.getByRole('button', { name: '确认' }).click();
		await expect(card.getByText('您的选票已计入')).toBeVisible();
		await expect(card.getByText(`您选的是：${choice}`)).toBeVisible();
		return (await card.getByTestId('receipt').innerText()).trim();
	};
	const first = await vote('反对');
	expect(first).toMatch(RECEIPT);

	// The console's 代投 list: Alice voted herself, so she is listed as 已投 and cannot be picked.
	const assistFor = console_.locator('#assist-resident');
	const aliceOption = assistFor.locator('option', { hasText: alice.name });
	await expect(aliceOption).toContainText('（已投）');
	await expect(aliceOption).toBeDisabled();
	await expect(assistFor.locator('option', { hasText: neighbour })).toBeEnabled();
	await expect(assistFor.locator('option', { hasText: neighbour })).not.toContainText('已投');

	// She changes her own ballot: a new receipt.
	await card.getByRole('button', { name: '改票' }).click();
	const second = await vote('同意');
	expect(second).toMatch(RECEIPT);
	expect(second).not.toBe(first);

	await console_.getByRole('button', { name: '结束表决' }).click();
	await console_.getByRole('button', { name: '确定结束表决' }).click();
	const link = (await card.getByRole('link', { name: '查看决议公示' }).getAttribute('href'))!;

	// The public page on a phone finds both receipts: the first marked as replaced, in words.
	const pubCtx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
	const pub = await pubCtx.newPage();
	await pub.goto(link);
	const find = pub.getByLabel('查找我的回执码');
	await find.fill(first);
	const old = pub.getByRole('row', { name: new RegExp(first) });
	await expect(old).toContainText('反对');
	await expect(old).toContainText('已被替换（新选票：手机），不计入结果');
	await expect(pub.getByText('没有找到这个回执码')).toHaveCount(0);
	await old.scrollIntoViewIfNeeded();
	await pub.screenshot({ path: 'test-results/ballot-change-replaced-receipt.png' });
	const overflow = await pub.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await find.fill(second);
	const now = pub.getByRole('row', { name: new RegExp(second) });
	await expect(now).toContainText('同意');
	await expect(now).not.toContainText('已被替换');

	for (const c of [staff, alice.ctx, pubCtx]) await c.close();
});
