import { expect, test, type Browser } from '@playwright/test';
import { residentPhone, staffPage as staffLogin } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

const phone = { viewport: { width: 360, height: 740 }, locale: 'zh-CN' };
/** Titles unique to this run, so the test also passes against a database an earlier run used. */
const run = Date.now().toString(36).slice(-5);
/** Typing before the page has hydrated can be lost; wait until the page's scripts have loaded. */
const settled = { waitUntil: 'networkidle' } as const;

const residentPage = async (browser: Browser, invitation: string) =>
	(await residentPhone(browser, invitation)).page;
const staffPage = async (browser: Browser, username: string) => (await staffLogin(browser, username)).page;

test('residents raise and second issues, an officer files for a neighbour, and the facilitator puts one on an agenda', async ({
	browser
}) => {
	const [first, second] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	expect(first && second).toBeTruthy();

	// A resident raises an issue on a phone; bad input is refused and nothing is stored.
	const alice = await residentPage(browser, first);
	await alice.goto('/proposals');
	await alice.getByRole('link', { name: '提出诉求' }).click();
	await alice.waitForLoadState('networkidle');
	await alice.getByLabel('标题').fill('   ');
	await alice.getByLabel('详细说明').fill('楼下的车停得太乱，消防通道被堵。');
	await alice.getByRole('button', { name: '提交' }).click();
	await expect(alice.getByRole('alert')).toContainText('标题');
	await expect(alice.getByLabel('详细说明')).toHaveValue('楼下的车停得太乱，消防通道被堵。');
	await expect(alice).toHaveURL(/\/proposals\/new$/);

	await alice.getByLabel('标题').fill(`消防通道被占用 ${run}`);
	await alice.getByLabel('类别').selectOption({ label: '停车' });
	await expect(alice.getByLabel('涉及范围')).toHaveValue(/^building:/);
	await alice.getByRole('button', { name: '提交' }).click();
	await expect(alice).toHaveURL(/\/proposals\/\d+$/);
	await expect(alice.getByRole('heading', { level: 1 })).toHaveText(`消防通道被占用 ${run}`);
	await expect(alice.getByText('待商议')).toBeVisible();
	await expect(alice.getByText('0 人附议')).toBeVisible();
	// One's own issue needs no second from oneself.
	await expect(alice.getByRole('button', { name: /附议/ })).toHaveCount(0);
	const proposalPath = new URL(alice.url()).pathname;

	// A neighbour seconds it once; the button is gone and a repeated POST changes nothing.
	const bob = await residentPage(browser, second);
	await bob.goto('/proposals');
	await bob.getByRole('link', { name: `消防通道被占用 ${run}` }).click();
	await bob.getByRole('button', { name: /附议/ }).click();
	await expect(bob.getByRole('status')).toContainText('您已附议');
	await expect(bob.getByText('1 人附议')).toBeVisible();
	await expect(bob.getByRole('button', { name: /附议/ })).toHaveCount(0);
	const again = await bob.request.post(`${proposalPath}?/second`, {
		form: { form: 'second' },
		headers: { origin: new URL(bob.url()).origin, accept: 'application/json' }
	});
	expect(JSON.stringify(await again.json())).toContain('ALREADY_SECONDED');
	await bob.reload();
	await expect(bob.getByText('1 人附议')).toBeVisible();

	// The information officer files one for 张秀英 (1栋2单元103), who has no phone.
	const officer = await staffPage(browser, 'officer');
	await officer.goto('/proposals/new', settled);
	await officer.getByLabel('楼栋').selectOption({ label: '富春小区 1栋' });
	await officer.getByRole('button', { name: '选择楼栋' }).click();
	await officer.waitForURL(/building=\d+/);
	await officer.waitForLoadState('networkidle');
	await officer.getByLabel('为哪位居民提出').selectOption({ label: '张秀英（2单元103）' });
	await officer.getByLabel('标题').fill(`楼道灯坏了 ${run}`);
	await officer.getByLabel('详细说明').fill('2单元三楼的灯不亮，晚上看不见台阶。');
	await officer.getByLabel('类别').selectOption({ label: '公共设施' });
	await officer.getByRole('button', { name: '提交' }).click();
	await expect(officer).toHaveURL(/\/proposals\/\d+$/);
	await expect(officer.getByText('提出人：张秀英')).toBeVisible();
	await expect(officer.getByText('由 信息员 刘玉珍 代为提出')).toBeVisible();

	// The facilitator calls a meeting of 1栋 and puts the first issue on its agenda.
	const facilitator = await staffPage(browser, 'facilitator');
	await facilitator.goto('/meetings');
	await facilitator.getByRole('link', { name: '新建议事会' }).click();
	await facilitator.waitForLoadState('networkidle');
	await facilitator.getByLabel('议事会名称').fill(`1栋居民议事会 ${run}`);
	await facilitator.getByLabel('范围').selectOption({ label: '富春小区 1栋' });
	await facilitator.getByLabel(/日期和时间/).fill('2026-12-20T19:30');
	await facilitator.getByLabel('地点').fill('1栋楼下院坝');
	await expect(facilitator.getByLabel(/公开投影/)).toBeChecked();
	await facilitator.getByRole('button', { name: '创建' }).click();
	await expect(facilitator).toHaveURL(/\/meetings\/\d+$/);
	await expect(facilitator.getByRole('heading', { level: 1 })).toHaveText(`1栋居民议事会 ${run}`);
	await expect(facilitator.getByText('2026年12月20日 19:30')).toBeVisible();
	await expect(facilitator.getByText('应到 6 户')).toBeVisible();
	await expect(facilitator.getByRole('img', { name: '签到二维码' }).locator('svg')).toBeVisible();
	const joinLink = facilitator.getByRole('link', { name: /\/j\/[a-z2-7]+$/ });
	const joinPath = new URL((await joinLink.getAttribute('href'))!).pathname;
	const setupPath = new URL(facilitator.url()).pathname;
	const meetingPath = setupPath.replace('/meetings/', '/m/');

	await facilitator.goto(proposalPath, settled);
	await facilitator.getByLabel('议事会').selectOption({ label: `1栋居民议事会 ${run}` });
	await facilitator.getByRole('button', { name: '加入议程' }).click();
	// Listed, it says where, and is not offered for an agenda again.
	await expect(facilitator.getByText('已列入议程：')).toBeVisible();
	await expect(facilitator.getByRole('link', { name: `1栋居民议事会 ${run}` })).toBeVisible();
	await expect(facilitator.getByRole('button', { name: '加入议程' })).toHaveCount(0);
	await expect(facilitator.getByText('1 人附议')).toBeVisible();

	// The resident scans the meeting's QR code: checked in, and on to the meeting.
	// (Not followed into the live page: that is the meeting views' own test.)
	const scan = await alice.request.get(joinPath, { maxRedirects: 0 });
	expect(scan.status()).toBe(303);
	expect(scan.headers()['location']).toBe(meetingPath);
	await facilitator.goto(setupPath);
	await expect(facilitator.getByText('已签到 1 / 应到 6')).toBeVisible();

	// Logged out, the QR code says how to log in first.
	const guest = await browser.newPage(phone);
	await guest.goto(joinPath);
	await expect(guest.getByRole('heading', { level: 1 })).toHaveText('请先用邀请卡登录');
});
