import { expect, test } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * 委托 on the phone: once a resident names a proxy, the screen shows whom they named and 撤回委托,
 * not the picker again; withdrawing it brings the picker back.
 */
test.use({ locale: 'zh-CN' });

test('shows the proxy given and 撤回委托 instead of the picker, and withdraws it', async ({ browser }) => {
	const invitations = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const { page: console_ } = await staffPage(browser, 'facilitator');
	const { meetingId } = await startBuildingMeeting(console_, '1栋委托测试', '2025-07-22T19:30');

	const alice = await residentPhone(browser, invitations[0]);
	await alice.page.goto(`/m/${meetingId}`);
	await connected(alice.page);
	const section = alice.page.locator('details.proxy');
	await section.getByText('不能到场？委托邻居代投').click();
	const pick = section.getByLabel('委托给');
	const neighbour = (await pick.locator('option').nth(1).innerText()).split(' · ')[0];
	await pick.selectOption({ index: 1 });
	await section.getByRole('button', { name: '确认委托' }).click();

	await expect(section.getByText(`您已委托 ${neighbour} 代您投票。`)).toBeVisible();
	await expect(section.getByRole('button', { name: '撤回委托' })).toBeVisible();
	await expect(section.getByRole('button', { name: '确认委托' })).toHaveCount(0);
	await expect(section.getByLabel('委托给')).toHaveCount(0);

	// A reload finds the same: the proxy shown, open, with 撤回委托.
	await alice.page.reload();
	await connected(alice.page);
	await expect(section.getByText(`您已委托 ${neighbour} 代您投票。`)).toBeVisible();

	await section.getByRole('button', { name: '撤回委托' }).click();
	await expect(section.getByText('已撤回委托')).toBeVisible();
	await expect(section.getByRole('button', { name: '确认委托' })).toBeVisible();
	await expect(section.getByText(/您已委托/)).toHaveCount(0);
});
