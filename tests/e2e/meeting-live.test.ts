import { expect, test } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * One meeting, four screens: the facilitator's console, two residents' phones and the projector (no
 * login). Everything a screen shows comes from the server, so each expectation polls until it holds.
 */
test.use({ locale: 'zh-CN' });

test('a facilitator runs a meeting that two phones and the projector follow live', async ({ browser }) => {
	const invitations = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	expect(invitations.length).toBeGreaterThanOrEqual(2);

	// The facilitator creates a public meeting for 1栋, opens its console and starts it.
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator');
	const { meetingId, screenPath, code } = await startBuildingMeeting(
		console_,
		'1栋楼道议事会',
		'2025-07-20T19:30'
	);

	// Two items, typed into the live agenda; the first becomes current.
	for (const [title, minutes] of [
		['加装电梯的费用分摊', '20'],
		['楼道堆放杂物的清理', '10']
	]) {
		await console_.locator('#new-title').fill(title);
		await console_.locator('#new-minutes').fill(minutes);
		await console_.getByRole('button', { name: '添加议题' }).click();
		await expect(console_.locator('ol.items input[id^="title-"]').last()).toHaveValue(title);
	}
	await console_
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();
	await expect(console_.getByRole('listitem', { name: '第 1 项议题' })).toContainText('当前议题');

	// Two residents of 1栋 on their phones.
	const alice = await residentPhone(browser, invitations[0]);
	const bob = await residentPhone(browser, invitations[1]);
	// Alice scans the QR code (/j/<code>): checked in and taken to the meeting.
	await alice.page.goto(`/j/${code}`);
	await expect(alice.page).toHaveURL(new RegExp(`/m/${meetingId}$`));
	// Bob opens the meeting and types the code shown on the screen; a wrong code is refused first.
	await bob.page.goto(`/m/${meetingId}`);
	await connected(bob.page);
	await bob.page.getByLabel('签到码').fill('aaaaaaaa');
	await bob.page.getByRole('button', { name: '签到', exact: true }).click();
	await expect(bob.page.getByText('签到码不对')).toBeVisible();
	await bob.page.getByLabel('签到码').fill(code.toUpperCase());
	await bob.page.getByRole('button', { name: '签到', exact: true }).click();
	for (const r of [alice, bob]) {
		await connected(r.page);
		await expect(r.page.locator('.current-title')).toHaveText('加装电梯的费用分摊');
		await expect(r.page.getByRole('list').filter({ hasText: '楼道堆放杂物的清理' })).toBeVisible();
		await expect(r.page.getByText('已签到')).toBeVisible();
	}
	await expect(bob.page.getByText('到会 2 / 应到 6（按户）')).toBeVisible();
	await expect(bob.page.getByText('未过半数')).toBeVisible();

	await alice.page.getByRole('button', { name: /举手发言/ }).click();
	await expect(alice.page.getByRole('button', { name: '放下手' })).toBeVisible();
	await expect(alice.page.getByText('下一个就是您')).toBeVisible();
	await bob.page.getByRole('button', { name: /举手发言/ }).click();
	await expect(bob.page.getByText('前面还有 1 人')).toBeVisible();

	// The projector in the courtyard: a borrowed laptop, nobody logged in.
	const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
	const screen = await screenCtx.newPage();
	await screen.goto(`/m/${meetingId}/screen`);
	await expect(screen.getByText('请先登录')).toBeVisible(); // without the code: no peeking by meeting number
	await screen.goto(screenPath);
	await connected(screen);
	await expect(screen.getByRole('heading', { level: 1 })).toHaveText('加装电梯的费用分摊');
	await expect(screen.getByText('到会 2 / 应到 6（按户）')).toBeVisible();
	const queue = screen.getByRole('region', { name: '发言排队' });
	await expect(queue).toContainText(alice.name);
	await expect(queue).toContainText(bob.name);
	await expect(screen.locator('.qr svg')).toBeVisible();
	await expect(screen.locator('header')).toBeHidden();
	const overflow = await screen.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
	expect(overflow).toBeLessThanOrEqual(0);

	// The facilitator gives the floor to the first hand; everyone sees it.
	await console_.getByRole('button', { name: `请 ${alice.name} 发言` }).click();
	await expect(alice.page.getByText('轮到您发言了')).toBeVisible();
	await expect(bob.page.getByText('下一个就是您')).toBeVisible();
	await expect(screen.getByText(`正在发言：${alice.name}`)).toBeVisible();

	// The timer runs on every screen from the server's state.
	await console_.getByRole('button', { name: /开始计时/ }).click();
	await expect(screen.getByRole('timer')).not.toHaveText('00:00');

	// Setting another item current reaches the projector.
	await console_
		.getByRole('listitem', { name: '第 2 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();
	await expect(screen.getByRole('heading', { level: 1 })).toHaveText('楼道堆放杂物的清理');

	await console_.getByRole('button', { name: '结束发言' }).click();
	await expect(screen.getByText(`正在发言：${alice.name}`)).toBeHidden();

	for (const c of [staff, alice.ctx, bob.ctx, screenCtx]) await c.close();
});
