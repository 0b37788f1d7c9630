import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * 提议→决议→评议 end to end: a hand-counted resolution passes; the facilitator assigns it to a
 * department and whistles; the traffic police liaison accepts, handles and reports done with a photo;
 * a resident rates it on her phone; when the round ends it is closed.
 */
test('a resolution goes from passed to dispatched, handled, rated and closed', async ({ browser }) => {
	test.setTimeout(120_000);
	const { ctx: staff, page } = await staffPage(browser, 'facilitator');
	const { meetingId } = await startBuildingMeeting(page, '1栋路灯议事会', '2026-12-01T19:30');
	await page.locator('#new-title').fill('在1栋路口装一盏路灯');
	await page.getByRole('button', { name: '添加议题' }).click();
	await page
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();
	const mark = page.getByRole('button', { name: /^标记 .+ 到会$/ });
	for (let left = 6; left > 2; left--) {
		await mark.first().click();
		await expect(mark).toHaveCount(left - 1);
	}
	await page.getByRole('button', { name: '发起表决' }).click();
	await page.locator('#hands-yes').fill('4');
	await page.getByRole('button', { name: '保存举手票数' }).click();
	await page.getByRole('button', { name: '结束表决' }).click();
	await page.getByRole('button', { name: '确定结束表决' }).click();
	await page.getByRole('link', { name: '查看决议' }).first().click();
	await expect(page.getByText('通过').first()).toBeVisible();

	// Follow-up: owner and due day, then a whistle to the traffic police.
	await page.getByRole('link', { name: '决议落实跟踪' }).click();
	await expect(page.getByText('未开始')).toBeVisible();
	await page.getByLabel('部门', { exact: true }).selectOption({ label: '县交警大队' });
	await page.getByLabel('完成期限').fill('2099-12-31');
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page.getByText('负责人：县交警大队')).toBeVisible();
	await page.getByLabel('派给哪个部门').selectOption({ label: '县交警大队' });
	await page.getByLabel('需要部门做什么').fill('路口太暗，请协调装灯');
	await page.getByLabel('期限', { exact: true }).fill('2099-12-31');
	await page.getByRole('button', { name: '派单' }).click();
	await expect(page.getByRole('link', { name: '县交警大队' })).toBeVisible();
	const followUpUrl = page.url();

	// The liaison's inbox: accept, then handle.
	const { ctx: police, page: inbox } = await staffPage(browser, 'liaison');
	await inbox.goto('/dispatches');
	await inbox.getByRole('link', { name: '路口太暗，请协调装灯' }).click();
	await inbox.getByRole('button', { name: '接单' }).click();
	await expect(inbox.getByTestId('dispatch-status')).toHaveText('已接单');
	await inbox.getByLabel('说明').fill('已安排施工');
	await inbox.getByRole('button', { name: '办结' }).click();
	await expect(inbox.getByTestId('dispatch-status')).toHaveText('已办结');

	// As the owning department, the liaison reports done with a photo.
	await inbox.goto(new URL(followUpUrl).pathname);
	await inbox.getByLabel('做了什么').fill('路灯已装好，晚上亮了');
	const photo = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#ffcc00' } })
		.jpeg()
		.toBuffer();
	await inbox.getByLabel(/照片/).setInputFiles({ name: 'lamp.jpg', mimeType: 'image/jpeg', buffer: photo });
	await inbox.getByLabel('已全部完成，请居民评议').check();
	await inbox.getByRole('button', { name: '提交进展' }).click();
	await expect(inbox.getByText('已完成，评议中')).toBeVisible();
	await expect(inbox.getByRole('img', { name: '进展照片 1' })).toBeVisible();

	// A resident of 1栋 rates it on her phone.
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const alice = await residentPhone(browser, invitation);
	await alice.page.goto(new URL(followUpUrl).pathname);
	await alice.page.getByLabel('满意', { exact: true }).check();
	await alice.page.getByRole('button', { name: '提交评议' }).click();
	await expect(alice.page.getByText('您已评议。')).toBeVisible();

	// The round's days pass (moved in the database); it closes on the next look.
	const db = new Database(process.env.E2E_DB_PATH!);
	db.prepare(
		'UPDATE follow_up SET rating_closes_at = ? WHERE resolution_id IN (SELECT r.id FROM resolution r JOIN poll p ON p.id = r.poll_id WHERE p.meeting_id = ?)'
	).run(Date.now() - 1000, meetingId);
	db.close();
	await alice.page.reload();
	await expect(alice.page.getByText('已办结')).toBeVisible();
	await expect(alice.page.getByText('评议：满意 1 · 基本满意 0 · 不满意 0')).toBeVisible();
	await Promise.all([staff.close(), police.close(), alice.ctx.close()]);
});
