import { expect, test, type Page } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * 会议纪要: a meeting with an item, a speaker and a poll closes; the facilitator writes the summary and
 * signs; two residents who attended sign on their phones; the minutes are frozen with a hash, print on
 * A4 without the forms, and download as Markdown and (for staff) as a CSV of the named ballots.
 */
test.use({ locale: 'zh-CN' });

const NOTES = '周六上午九点统一清理，各户自行搬走。';
const SUMMARY = '会议同意周六统一清理楼道杂物；清理后由楼栋长检查。';

async function vote(phone: Page, question: string) {
	const card = phone.locator('section.poll-card');
	await expect(card.getByRole('heading', { name: question })).toBeVisible();
	await card.getByRole('radio', { name: '同意' }).check();
	await card.getByRole('button', { name: '投票' }).click();
	await card.getByRole('button', { name: '确认' }).click();
	await expect(card.getByText('您的选票已计入')).toBeVisible();
}

test('minutes are signed and printed', async ({ browser }) => {
	test.setTimeout(150_000);
	const invitations = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator', {
		width: 1280,
		height: 900
	});
	const { meetingId, code } = await startBuildingMeeting(console_, '1栋楼道清理议事会', '2025-07-26T19:30');
	const question = '楼道杂物统一清理';
	await console_.locator('#new-title').fill(question);
	await console_.getByRole('button', { name: '添加议题' }).click();
	const item = console_.getByRole('listitem', { name: '第 1 项议题' });
	await item.getByRole('button', { name: '设为当前议题' }).click();
	await item.locator('textarea[id^="notes-"]').fill(NOTES);

	// Alice and Bob check in on their phones; two households without phones are marked present.
	const alice = await residentPhone(browser, invitations[0]);
	const bob = await residentPhone(browser, invitations[1]);
	for (const r of [alice, bob]) {
		await r.page.goto(`/j/${code}`);
		await connected(r.page);
	}
	for (const n of [3, 4]) {
		await console_
			.getByRole('button', { name: /^标记 .+ 到会$/ })
			.first()
			.click();
		await expect(console_.getByText(`已到 ${n} 人，共 6 人`)).toBeVisible();
	}

	// Alice speaks; then a poll: two phones and two raised hands.
	await alice.page.getByRole('button', { name: /举手发言/ }).click();
	await console_.getByRole('button', { name: `请 ${alice.name} 发言` }).click();
	await console_.getByRole('button', { name: '结束发言' }).click();
	await console_.getByRole('button', { name: '发起表决' }).click();
	for (const r of [alice, bob]) await vote(r.page, question);
	await console_.locator('#hands-yes').fill('2');
	await console_.getByRole('button', { name: '保存举手票数' }).click();
	await expect(console_.getByText('已保存，举手共 2 票。')).toBeVisible();
	await console_.getByRole('button', { name: '结束表决' }).click();
	await console_.getByRole('button', { name: '确定结束表决' }).click();
	await expect(console_.getByRole('link', { name: '查看决议公示' })).toBeVisible();
	await console_.getByRole('button', { name: '结束会议' }).click();
	await console_.getByRole('button', { name: '确定结束' }).click();
	await expect(console_.getByText('会议已结束。')).toBeVisible();

	// The setup page links to the generated draft.
	await console_.goto(`/meetings/${meetingId}`);
	await console_.getByRole('link', { name: '会议纪要' }).click();
	await expect(console_).toHaveURL(`/meetings/${meetingId}/minutes`);
	const page = console_;
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('1栋楼道清理议事会');
	await expect(page.getByText('草稿（尚未定稿）')).toBeVisible();
	await expect(page.getByText('到会 4 户 / 应到 6 户')).toBeVisible();
	await expect(page.getByText('手机签到 2 人，主持人标记到会 2 人')).toBeVisible();
	await expect(page.getByText(NOTES)).toBeVisible();
	await expect(page.getByRole('region', { name: '发言' })).toContainText(alice.name);
	const poll = page.getByRole('region', { name: `表决 1：${question}` });
	await expect(poll.locator('[data-outcome="passed"]')).toContainText('结果：通过');
	await expect(poll.getByRole('row', { name: /^同意/ })).toContainText('4 票');
	const resolutionHash = (await poll.locator('code').innerText()).trim();
	expect(resolutionHash).toMatch(/^[0-9a-f]{64}$/);

	// Residents wait for the facilitator; the facilitator needs a summary before signing.
	await alice.page.goto(`/meetings/${meetingId}/minutes`);
	await expect(alice.page.getByText('请等主持人先确认纪要，居民代表再确认。')).toBeVisible();
	await expect(alice.page.locator('#summary')).toHaveCount(0);
	await expect(page.getByText('请先填写会议摘要')).toBeVisible();
	await page.locator('#summary').fill(SUMMARY);
	await page.getByRole('button', { name: '保存摘要' }).click();
	await expect(page.getByText('摘要已保存。')).toBeVisible();
	await page.getByRole('button', { name: '以主持人身份确认纪要' }).click();
	await expect(page.getByText('已确认，谢谢。')).toBeVisible();
	await expect(page.locator('#summary')).toHaveCount(0); // locked once the facilitator signed

	// Two residents who attended sign on their phones; the second signature freezes the minutes.
	for (const [r, done] of [
		[alice, '已确认，谢谢。'],
		[bob, '三人都已确认，纪要已定稿。']
	] as const) {
		await r.page.goto(`/meetings/${meetingId}/minutes`);
		await expect(r.page.getByTestId('summary')).toHaveText(SUMMARY);
		await r.page.getByRole('button', { name: '我到会了，确认纪要属实' }).click();
		await expect(r.page.getByText(done)).toBeVisible();
	}
	await alice.page.reload();
	await expect(alice.page.getByText('您已经确认过这份纪要。')).toBeVisible();
	await alice.page.screenshot({ path: 'test-results/minutes-phone.png', fullPage: true });
	await expect(alice.page.getByRole('button', { name: /确认纪要/ })).toHaveCount(0);

	await page.reload();
	await expect(page.getByText('已确认定稿', { exact: true })).toBeVisible();
	await expect(page.getByText('存储的内容与哈希一致，未被改动。')).toBeVisible();
	const hash = (await page.getByTestId('minutes-hash').innerText()).trim();
	expect(hash).toMatch(/^[0-9a-f]{64}$/);
	const signatures = page.getByTestId('signatures');
	for (const name of ['主持人 李春华', alice.name, bob.name]) await expect(signatures).toContainText(name);
	await expect(page.getByRole('button', { name: /确认纪要/ })).toHaveCount(0);

	// Print: no site header, buttons or forms; the record and its signatures are all there, on A4.
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('header').first()).toBeHidden();
	await expect(page.getByRole('button', { name: '打印（A4）' })).toBeHidden();
	await expect(page.getByText('手机签到 2 人，主持人标记到会 2 人')).toBeVisible();
	await expect(signatures).toBeVisible();
	await expect(page.getByTestId('minutes-hash')).toBeVisible();
	await page.screenshot({ path: 'test-results/minutes-print.png', fullPage: true });
	const fontSize = await page.locator('article.minutes').evaluate((el) => getComputedStyle(el).fontSize);
	expect(fontSize).toBe('16px'); // 12pt
	const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
	const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
	expect(boxes.length).toBeGreaterThan(0);
	for (const [, w, h] of boxes) expect([Math.round(+w), Math.round(+h)]).toEqual([595, 842]); // A4 in points
	await page.emulateMedia({ media: 'screen' });

	// Downloads: Markdown for anyone who may read the minutes, the named ballots for staff only.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: '下载 Markdown' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/\.md$/);
	const md = await (await page.request.get(`/meetings/${meetingId}/minutes/minutes.md`)).text();
	for (const part of ['# 会议纪要：1栋楼道清理议事会', SUMMARY, hash, resolutionHash])
		expect(md).toContain(part);
	const csv = await page.request.get(`/meetings/${meetingId}/minutes/ballots.csv`);
	expect(csv.headers()['content-type']).toContain('text/csv');
	const csvText = await csv.text();
	expect(csvText.charCodeAt(0)).toBe(0xfeff);
	for (const name of [alice.name, bob.name]) expect(csvText).toContain(`"${name}"`);
	expect((await alice.page.request.get(`/meetings/${meetingId}/minutes/ballots.csv`)).status()).toBe(403);
	expect((await alice.page.request.get(`/meetings/${meetingId}/minutes/minutes.md`)).status()).toBe(200);

	for (const c of [staff, alice.ctx, bob.ctx]) await c.close();
});
