import { expect, test } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * 发言限时 (as in OpenSlides): the facilitator sets three minutes per speech; when a resident gets the
 * floor, the projector and that resident's phone count down on the server's clock; the minutes' list
 * of speakers records how long they spoke and the limit.
 */
test('a speaking limit counts down on the projector and the speaker’s phone and is kept in the minutes', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const { ctx: staffCtx, page: chair } = await staffPage(browser, 'facilitator', {
		width: 1280,
		height: 900
	});
	const { meetingId, screenPath, code } = await startBuildingMeeting(
		chair,
		'1栋限时发言会',
		'2027-04-01T19:30'
	);

	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const phone = await residentPhone(browser, invitation);
	await phone.page.goto(`/j/${code}`);
	await expect(phone.page).toHaveURL(new RegExp(`/m/${meetingId}$`));
	await connected(phone.page);
	const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
	const screen = await screenCtx.newPage();
	await screen.goto(screenPath);
	await connected(screen);

	await chair.getByLabel('每人发言限时（分钟）').fill('3');
	await chair.getByRole('button', { name: '设定限时' }).click();
	await expect(chair.getByTestId('speech-limit')).toContainText('每人限时 3 分钟');

	await phone.page.getByRole('button', { name: /举手发言/ }).click();
	await chair.getByRole('button', { name: `请 ${phone.name} 发言` }).click();

	// Both count down from three minutes, on the server's clock.
	const left = /发言剩余 0[23]:\d\d/;
	await expect(phone.page.getByRole('timer', { name: '发言剩余时间' })).toHaveText(left);
	await expect(screen.getByRole('timer', { name: '发言剩余时间' })).toHaveText(left);
	await expect(chair.getByRole('timer', { name: '发言剩余时间' })).toHaveText(left);

	await chair.getByRole('button', { name: '结束发言' }).click();
	await expect(phone.page.getByRole('timer', { name: '发言剩余时间' })).toHaveCount(0);
	await chair.getByRole('button', { name: '结束会议' }).click();
	await chair.getByRole('button', { name: '确定结束' }).click();

	await chair.goto(`/meetings/${meetingId}/minutes`);
	const speakers = chair.getByRole('region', { name: '发言', exact: true });
	await expect(speakers).toContainText(phone.name);
	await expect(speakers).toContainText(/发言 0 分 \d\d 秒/);
	await expect(speakers).toContainText('限时 3 分钟');
	await Promise.all([staffCtx.close(), phone.ctx.close(), screenCtx.close()]);
});
