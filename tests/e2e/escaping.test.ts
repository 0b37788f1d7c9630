import { expect, test, type Page } from '@playwright/test';
import { connected, staffPage, startBuildingMeeting } from './helpers';

/**
 * What only a browser shows: the projector and the console draw the agenda from
 * Yjs in the browser, so escaping there is the components' job, not the server's. A facilitator types
 * script into a meeting title and an agenda item; no dialog may open on the console, the projector or
 * the notice board, and no element the text describes may appear.
 */
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const TITLE = `议题${IMG}${SCRIPT}`.slice(0, 100);

/** Fails the test on any dialog (alert, confirm, prompt) the page opens. */
function noDialogs(page: Page, where: string, fired: string[]) {
	page.on('dialog', async (d) => {
		fired.push(`${where}: ${d.type()} ${d.message()}`);
		await d.dismiss();
	});
}

test('script typed into a meeting and its agenda runs nowhere', async ({ browser }) => {
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator');
	const fired: string[] = [];
	noDialogs(console_, 'console', fired);
	const { meetingId, screenPath } = await startBuildingMeeting(
		console_,
		`楼道议事会${SCRIPT}`,
		'2025-07-21T19:30'
	);
	await console_.locator('#new-title').fill(TITLE);
	await console_.getByRole('button', { name: '添加议题' }).click();
	await expect(console_.locator('ol.items input[id^="title-"]').last()).toHaveValue(TITLE);
	await console_
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();

	const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
	const screen = await screenCtx.newPage();
	noDialogs(screen, 'projector', fired);
	await screen.goto(screenPath);
	await connected(screen);
	// The text is shown as text: the heading reads it back verbatim.
	await expect(screen.getByRole('heading', { level: 1 })).toHaveText(TITLE);
	for (const page of [console_, screen]) {
		await expect(page.locator('img[src="x"]')).toHaveCount(0);
		expect(await page.evaluate(() => [...document.scripts].some((s) => s.text.trim() === 'alert(1)'))).toBe(
			false
		);
	}

	const notice = await screenCtx.newPage();
	noDialogs(notice, 'notice', fired);
	await notice.goto('/notice/1');
	await expect(notice.getByRole('heading', { level: 1 })).toBeVisible();
	await console_.goto(`/meetings/${meetingId}/minutes`);
	await expect(console_.getByText(TITLE).first()).toBeVisible();
	await expect(console_.locator('img[src="x"]')).toHaveCount(0);
	expect(fired).toEqual([]);
	await screenCtx.close();
	await staff.close();
});
