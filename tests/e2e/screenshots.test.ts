import { expect, test, type Page } from '@playwright/test';
import type { PublicRules } from '$lib/realtime/poll';
import { join, login, postForm } from '../helpers/http';
import { demoInvitationPaths } from '../helpers/server';
import { ok, socketPool } from '../helpers/sockets';
import { connected, staffPage } from './helpers';

/**
 * Each role's main screen, as a newcomer meets it: a resident's phone (home and ballot), the
 * facilitator's console and the projector during a 业主大会 vote, and the home or inbox of the
 * committee, the building head, the information officer, the department liaison and the admin.
 * Every screen is checked to have loaded; with SCREENSHOTS=1 each is also saved to
 * docs/screenshots/<role>-<screen>.png (the viewport only, so the files stay small), for a reviewer
 * to see what a change did. tests/e2e/elder.test.ts saves the 长辈版 pages the same way.
 */
test.use({ locale: 'zh-CN' });

const run = Date.now().toString(36).slice(-5);
const pool = socketPool(() => process.env.E2E_BASE_URL!);
test.afterAll(() => pool.closeAll());

async function shot(page: Page, name: string) {
	await expect(page.locator('h1').first()).toBeVisible();
	if (process.env.SCREENSHOTS) await page.screenshot({ path: `docs/screenshots/${name}.png` });
}

const RULES: PublicRules = {
	votingUnit: 'household',
	whoMayVote: 'eligible',
	quorum: { num: 2, den: 3, strict: false },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};

/** A started public meeting in a building of 富春小区, with a poll open; made over HTTP and a socket. */
async function meetingWithPoll(building: string, body: string, poll: Record<string, unknown>) {
	const baseUrl = process.env.E2E_BASE_URL!;
	const cookie = await login(baseUrl, 'facilitator');
	const html = await (await fetch(`${baseUrl}/meetings/new`, { headers: { cookie } })).text();
	const scope = html.match(
		new RegExp(`<option value="(building:\\d+)"[^>]*>富春小区 ${building}</option>`)
	)![1];
	const res = await postForm(
		`${baseUrl}/meetings/new`,
		{
			title: `${building}${body === 'ownersAssembly' ? '业主大会' : '议事会'} ${run}`,
			scope,
			startsAt: '2027-01-20T19:30',
			place: `${building}架空层`,
			votingUnit: 'household',
			body,
			isPublic: 'on'
		},
		cookie
	);
	const meetingId = Number(res.headers.get('location')!.split('/').pop());
	const facilitator = await pool.connected(cookie);
	await ok(facilitator, 'meeting:join', { meetingId, as: 'console' });
	await ok(facilitator, 'meeting:open', { meetingId });
	await ok(facilitator, 'poll:open', { meetingId, agendaItemId: null, durationSeconds: null, ...poll });
	return meetingId;
}

test('the facilitator’s console and the projector during a 业主大会 vote', async ({ browser }) => {
	const meetingId = await meetingWithPoll('2栋', 'ownersAssembly', {
		question: '是否续聘现物业服务企业，合同期三年，物业费标准不变？',
		type: 'yesNoAbstain',
		rules: { ...RULES, preset: { id: 'ownersOrdinary', base: 'owners', matter: 4 } }
	});
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator');
	await console_.goto(`/m/${meetingId}/console`);
	await connected(console_);
	await expect(console_.getByRole('button', { name: '结束表决' })).toBeVisible();
	await shot(console_, 'facilitator-console');

	const screenPath = (await console_.getByRole('link', { name: '打开投影屏幕' }).getAttribute('href'))!;
	const screen = await staff.newPage();
	await screen.setViewportSize({ width: 1280, height: 720 });
	await screen.goto(screenPath);
	await connected(screen);
	await expect(screen.getByTestId('area-tally')).toBeVisible();
	await shot(screen, 'projector-owners-vote');
	await staff.close();
});

test('a resident’s phone: home and an open ballot', async ({ browser }) => {
	const meetingId = await meetingWithPoll('1栋', 'buildingCouncil', {
		question: '是否在1栋楼道加装感应灯？',
		type: 'yesNoAbstain',
		rules: RULES
	});
	const baseUrl = process.env.E2E_BASE_URL!;
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const { cookie: resident } = await join(baseUrl, invitation);
	const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
	const [name, value] = resident!.split('=');
	await ctx.addCookies([{ name, value, url: baseUrl }]);
	const phone = await ctx.newPage();
	await phone.goto('/');
	await shot(phone, 'resident-home');
	await phone.goto(`/m/${meetingId}`);
	await connected(phone);
	await expect(phone.locator('section.poll-card').getByRole('radio', { name: '同意' })).toBeVisible();
	await shot(phone, 'resident-ballot');
	await ctx.close();
});

for (const [username, screen, path] of [
	['committee', 'home', '/'],
	['building1', 'home', '/'],
	['officer', 'home', '/'],
	['liaison', 'dispatches', '/dispatches'],
	['admin', 'admin', '/admin']
] as const) {
	test(`${username}'s main screen: ${path}`, async ({ browser }) => {
		const { ctx, page } = await staffPage(browser, username);
		const res = await page.goto(path);
		expect(res?.status()).toBe(200);
		await shot(page, `${username}-${screen}`);
		await ctx.close();
	});
}
