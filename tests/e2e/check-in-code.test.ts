import { expect, test, type Page } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * The rotating check-in code as people see it: the facilitator turns it on, the projector (1920×1080,
 * no login) shows six digits and a QR code that change by themselves, the console shows the same
 * code, a phone (360 px) checks in with it, and an old code only says it has expired.
 */
test.use({ locale: 'zh-CN' });
test.setTimeout(150_000);

const shownCode = (page: Page, selector: string) =>
	page.locator(`${selector}[data-code]`).getAttribute('data-code') as Promise<string>;

test('the projector’s check-in code rotates live and a phone checks in with it', async ({ browser }) => {
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator');
	const {
		meetingId,
		screenPath,
		code: joinCode
	} = await startBuildingMeeting(console_, '1栋签到码议事会', '2026-12-05T19:30');

	// The setup page: a building council starts with the fixed code; the facilitator switches.
	await console_.goto(`/meetings/${meetingId}`);
	await expect(console_.getByRole('img', { name: /二维码/ })).toBeVisible();
	await console_.getByRole('button', { name: '改为每 45 秒更换的签到码' }).click();
	await expect(console_.getByRole('status')).toContainText('已改为每 45 秒更换的签到码');
	await expect(console_.getByRole('img', { name: /二维码/ })).toHaveCount(0);
	await expect(console_.locator('[data-check-in="rotating"]')).toBeVisible();

	// The projector on a borrowed laptop: six digits, a QR code, and no fixed code anywhere on screen.
	const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
	const screen = await screenCtx.newPage();
	await screen.goto(screenPath);
	await connected(screen);
	await expect(screen.locator('.join .qr svg')).toBeVisible();
	await expect(screen.locator('.join .code')).toHaveText(/^\d{3} \d{3}$/);
	expect(await screen.locator('body').innerText()).not.toContain(joinCode);
	const box = (await screen.locator('.join').boundingBox())!;
	expect(box.y + box.height).toBeLessThanOrEqual(1080);

	// The console shows the code the projector shows.
	await console_.goto(`/m/${meetingId}/console`);
	await connected(console_);
	await expect
		.poll(async () => (await shownCode(console_, '.console-code')) === (await shownCode(screen, '.join')))
		.toBe(true);

	// A resident types the code from the screen on the phone.
	const phone = await residentPhone(browser, invitation);
	await phone.page.goto(`/m/${meetingId}`);
	await connected(phone.page);
	await expect(phone.page.getByLabel('签到码')).toHaveAttribute('inputmode', 'numeric');
	await expect(phone.page.getByText(/6 位签到码/)).toBeVisible();
	const first = await shownCode(screen, '.join');
	await phone.page.getByLabel('签到码').fill(`${first.slice(0, 3)} ${first.slice(3)}`);
	await phone.page.getByRole('button', { name: '签到', exact: true }).click();
	await expect(phone.page.getByText('已签到')).toBeVisible();
	await expect(screen.getByText(/到会 1 \/ 应到/)).toBeVisible();

	// Within a window (45 s) the projector and console move on by themselves, both to the same code.
	await expect.poll(() => shownCode(screen, '.join'), { timeout: 60_000 }).not.toBe(first);
	await expect
		.poll(async () => (await shownCode(console_, '.console-code')) === (await shownCode(screen, '.join')))
		.toBe(true);
	const second = await shownCode(screen, '.join');

	// A photo of the first code, opened from home after the next change too: expired, nobody checked in.
	const late = await residentPhone(browser, demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '')[1]);
	await expect.poll(() => shownCode(screen, '.join'), { timeout: 60_000 }).not.toBe(second);
	await late.page.goto(`/j/${meetingId}-${first}`);
	await expect(late.page.getByRole('alert')).toContainText('这个签到二维码已经过期');
	const overflow = await late.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	// Scanning the projector's current QR code checks the same phone in.
	await late.page.goto(`/j/${meetingId}-${await shownCode(screen, '.join')}`);
	await expect(late.page).toHaveURL(new RegExp(`/m/${meetingId}$`));
	await expect(late.page.getByText('已签到')).toBeVisible();

	for (const c of [staff, screenCtx, phone.ctx, late.ctx]) await c.close();
});
