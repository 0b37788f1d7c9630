import { expect, test } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * One poll, every channel, one tally: Alice votes on her phone (socket, with a confirmation and a
 * receipt that survives a reload), Bob on a phone without JavaScript (the plain form), the facilitator
 * records an assisted ballot and a hand count; the projector shows the live bars and then the result,
 * and the public resolution page shows the tally, the receipts and the hash.
 */
test.use({ locale: 'zh-CN' });

const RECEIPT = /^[a-hjkmnp-z2-9]{10}$/;

test('phones, a no-JS form, hands and an assisted ballot make one tally and a hashed resolution', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const invitations = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	expect(invitations.length).toBeGreaterThanOrEqual(2);

	// The facilitator creates a meeting for 1栋 (six households), opens it and sets the item.
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator', {
		width: 1280,
		height: 900
	});
	const { meetingId, screenPath, code } = await startBuildingMeeting(
		console_,
		'1栋加装电梯表决会',
		'2025-07-21T19:30'
	);
	const question = '加装电梯的费用分摊';
	await console_.locator('#new-title').fill(question);
	await console_.locator('#new-minutes').fill('20');
	await console_.getByRole('button', { name: '添加议题' }).click();
	await console_
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();
	await expect(console_.getByRole('listitem', { name: '第 1 项议题' })).toContainText('当前议题');

	// Alice (phone with JavaScript) and Bob (no JavaScript) scan the QR code: checked in.
	const alice = await residentPhone(browser, invitations[0]);
	const bob = await residentPhone(browser, invitations[1], { javaScript: false });
	for (const r of [alice, bob]) {
		await r.page.goto(`/j/${code}`);
		await expect(r.page).toHaveURL(new RegExp(`/m/${meetingId}$`));
	}
	await connected(alice.page);

	// Two more households are here without phones: the facilitator marks them present.
	await expect(console_.getByText('已到 2 人，共 6 人')).toBeVisible();
	const marked: string[] = [];
	for (const n of [3, 4]) {
		const button = console_.getByRole('button', { name: /^标记 .+ 到会$/ }).first();
		marked.push((await button.getAttribute('aria-label'))!.replace(/^标记 /, '').replace(/ 到会$/, ''));
		await button.click();
		await expect(console_.getByText(`已到 ${n} 人，共 6 人`)).toBeVisible();
	}
	const [carol] = marked;

	// The projector follows the meeting without a login.
	const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
	const screen = await screenCtx.newPage();
	await screen.goto(screenPath);
	await connected(screen);

	// 发起表决: the question is the current item's title; defaults are 按户, 已签到, 过半数, 简单多数.
	await expect(console_.getByLabel('表决的问题')).toHaveValue(question);
	await console_.getByRole('button', { name: '发起表决' }).click();
	await expect(console_.getByRole('button', { name: '结束表决' })).toBeVisible();

	await expect(screen.getByText('正在表决')).toBeVisible();
	await expect(screen.getByRole('heading', { level: 1 })).toHaveText(question);

	// 尚未投票 (a named poll): the console lists Alice's household by name until it has voted.
	const missing = console_.getByTestId('missing-voters');
	await expect(missing).toContainText(alice.name);
	await expect(missing).toContainText(bob.name);

	// Alice: big options, a confirmation in words, then the receipt.
	const card = alice.page.locator('section.poll-card');
	await expect(card.getByRole('heading', { name: question })).toBeVisible();
	const yes = card.getByRole('radio', { name: '同意' });
	await expect(card.locator('label.option').first()).toHaveCSS('min-height', '64px');
	await alice.page.screenshot({ path: 'test-results/voting-phone-ballot.png' });
	await yes.check();
	// The chosen option says so in words and a ✓, not only in colour.
	const yesLabel = card
		.locator('label.option')
		.filter({ has: alice.page.getByRole('radio', { name: '同意' }) });
	await expect(yesLabel).toContainText('✓ 已选');
	await expect(card.locator('label.option').filter({ hasText: '反对' }).getByText('已选')).toBeHidden();
	await card.getByRole('button', { name: '投票' }).click();
	await expect(card.getByText('您选择了：同意。确认投票？')).toBeVisible();
	await card.getByRole('button', { name: '确认' }).click();
	await expect(card.getByText('您的选票已计入')).toBeVisible();
	await expect(missing).not.toContainText(alice.name);
	await expect(missing).toContainText(bob.name);
	const aliceReceipt = (await card.getByTestId('receipt').innerText()).trim();
	expect(aliceReceipt).toMatch(RECEIPT);
	await alice.page.screenshot({ path: 'test-results/voting-phone-counted.png' });
	// The receipt is kept on the phone: a reload still shows it.
	await alice.page.reload();
	await connected(alice.page);
	await expect(alice.page.getByTestId('receipt')).toHaveText(aliceReceipt);

	// Bob's phone runs no JavaScript: the card is a plain form posting to the same domain function.
	await bob.page.reload();
	const bobCard = bob.page.locator('section.poll-card');
	await bobCard.getByRole('radio', { name: '同意' }).check();
	await bobCard.getByRole('button', { name: '投票' }).click();
	await expect(bob.page).toHaveURL(new RegExp(`/m/${meetingId}/poll/\\d+`));
	await expect(bob.page.getByText('您的选票已计入')).toBeVisible();
	await expect(bob.page.getByTestId('receipt')).toHaveText(RECEIPT);
	await expect(bob.page.getByRole('link', { name: '返回会议' })).toHaveAttribute('href', `/m/${meetingId}`);
	// Back at the meeting (still no JavaScript), the page load says the household has voted.
	await bob.page.getByRole('link', { name: '返回会议' }).click();
	await expect(bob.page.locator('section.poll-card')).toContainText('您户已投票');
	await expect(bob.page.locator('section.poll-card').getByRole('button', { name: '投票' })).toHaveCount(0);
	await expect(console_.getByText(/^还有 \d+ 户尚未投票$/)).toBeVisible();
	await expect(missing).not.toContainText(bob.name);

	// The console counts per channel.
	const tally = console_.locator('table.tally');
	await expect(tally.getByRole('row', { name: /^同意/ })).toContainText('2');
	await expect(tally).toContainText('手机');
	await expect(tally).toContainText('网页表单');

	// 代投 for Carol, with her consent in a note.
	const resident = console_.locator('#assist-resident');
	const value = await resident.locator('option', { hasText: carol }).getAttribute('value');
	await resident.selectOption(value!);
	await console_.getByRole('group', { name: '本人的选择' }).getByRole('radio', { name: '反对' }).check();
	await console_.locator('#assist-note').fill('本人当面口头表示反对，由主持人代为录入');
	await console_.getByRole('button', { name: '记录代投' }).click();
	await expect(console_.getByText(`已为 ${carol} 记录代投`)).toBeVisible();

	// 举手: one more household raised its hand for 同意; more than the free households is refused.
	await console_.locator('#hands-yes').fill('2');
	await console_.getByRole('button', { name: '保存举手票数' }).click();
	await expect(console_.getByText(/举手票数超过了/)).toBeVisible();
	await console_.locator('#hands-yes').fill('1');
	await console_.getByRole('button', { name: '保存举手票数' }).click();
	await expect(console_.getByText('已保存，举手共 1 票。')).toBeVisible();
	await expect(tally.getByRole('row', { name: /^同意/ })).toContainText('3');

	// The projector's live bars and turnout.
	const chart = screen.getByRole('list', { name: '各选项票数' });
	await expect(chart.getByRole('listitem').filter({ hasText: '同意' })).toContainText('3 票（75%）');
	await expect(chart.getByRole('listitem').filter({ hasText: '反对' })).toContainText('1 票（25%）');
	await expect(screen.getByText(/已投 4 \/ 应投 \d+（按户）/)).toBeVisible();
	await screen.screenshot({ path: 'test-results/voting-projector-live.png' });
	const overflow = await screen.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
	expect(overflow).toBeLessThanOrEqual(0);

	// 结束表决: the result everywhere, with the start of the resolution's hash on the projector.
	await console_.getByRole('button', { name: '结束表决' }).click();
	await console_.getByRole('button', { name: '确定结束表决' }).click();
	await expect(screen.locator('[data-outcome="passed"]')).toContainText('通过');
	const hashLine = screen.getByText(/^决议哈希：[0-9a-f]{12}…$/);
	await expect(hashLine).toBeVisible();
	const hashStart = (await hashLine.innerText()).replace('决议哈希：', '').replace('…', '');
	await screen.screenshot({ path: 'test-results/voting-projector-result.png' });
	await expect(card.locator('[data-outcome="passed"]')).toBeVisible();
	await expect(console_.getByRole('link', { name: '查看决议公示' })).toBeVisible();

	// The resolution page is public: a fresh browser without a login reads it.
	const link = (await card.getByRole('link', { name: '查看决议公示' }).getAttribute('href'))!;
	expect(link).toMatch(/^\/resolutions\/\d+$/);
	const publicCtx = await browser.newContext({ locale: 'zh-CN' });
	const pub = await publicCtx.newPage();
	await pub.goto(link);
	await expect(pub.getByRole('heading', { level: 1 })).toHaveText(question);
	await expect(pub.locator('[data-outcome="passed"]')).toContainText('通过');
	const rows = pub.getByRole('table').first();
	await expect(rows.getByRole('row', { name: /^同意/ })).toContainText('3');
	await expect(rows.getByRole('row', { name: /^反对/ })).toContainText('1');
	for (const channel of ['手机', '网页表单', '举手', '代投']) await expect(rows).toContainText(channel);
	const hash = (await pub.getByTestId('hash').innerText()).trim();
	expect(hash).toMatch(/^[0-9a-f]{64}$/);
	expect(hash.startsWith(hashStart)).toBe(true);
	await pub.getByLabel('查找我的回执码').fill(aliceReceipt);
	await expect(pub.getByRole('row', { name: new RegExp(aliceReceipt) })).toContainText('同意');

	for (const c of [staff, alice.ctx, bob.ctx, screenCtx, publicCtx]) await c.close();
});
