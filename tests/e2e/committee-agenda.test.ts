import { expect, test } from '@playwright/test';
import { connected, staffPage, startBuildingMeeting } from './helpers';

/**
 * The 两委 committee drafts agendas with the facilitator: from the meetings list a committee member
 * opens the meeting and its agenda editor, adds an item and notes that reach the facilitator's console
 * live; running the meeting (start, close, current item, polls, attendance) stays with the facilitator.
 */
test('a committee member co-edits a meeting’s agenda but does not run the meeting', async ({ browser }) => {
	test.setTimeout(90_000);
	const { ctx: chairCtx, page: chair } = await staffPage(browser, 'facilitator');
	const { meetingId } = await startBuildingMeeting(chair, '1栋议程共拟会', '2027-03-01T19:30');

	const { ctx, page } = await staffPage(browser, 'committee');
	await page.goto('/meetings');
	const card = page.getByRole('listitem').filter({ hasText: '1栋议程共拟会' });
	await card.getByRole('link', { name: '编辑议程' }).click();
	await expect(page).toHaveURL(new RegExp(`/m/${meetingId}/console$`));
	await connected(page);

	// The agenda editor, and nothing that runs the meeting.
	await expect(page.getByRole('heading', { name: '议程', exact: true })).toBeVisible();
	await expect(page.getByRole('button', { name: '结束会议' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: '发起表决' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: /^标记 .+ 到会$/ })).toHaveCount(0);
	await expect(page.getByRole('link', { name: '打开投影屏幕' })).toHaveCount(0);

	await page.locator('#new-title').fill('小区停车位分配');
	await page.getByRole('button', { name: '添加议题' }).click();
	const item = page.getByRole('listitem', { name: '第 1 项议题' });
	await expect(item.getByRole('button', { name: '设为当前议题' })).toHaveCount(0);
	await item.getByLabel('说明').fill('先听取各楼栋意见');

	// The facilitator sees it live and makes it the current item.
	const chairItem = chair.getByRole('listitem', { name: '第 1 项议题' });
	await expect(chairItem.getByLabel('议题', { exact: true })).toHaveValue('小区停车位分配');
	await expect(chairItem.getByLabel('说明')).toHaveValue('先听取各楼栋意见');
	await chairItem.getByRole('button', { name: '设为当前议题' }).click();
	await expect(item).toContainText('当前议题');

	// The meeting's page opens for the committee too, without the join code to check in with.
	await page.goto(`/meetings/${meetingId}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('1栋议程共拟会');
	await expect(page.getByRole('link', { name: '编辑议程' })).toBeVisible();
	await expect(page.locator('.qr')).toHaveCount(0);
	await Promise.all([ctx.close(), chairCtx.close()]);
});
