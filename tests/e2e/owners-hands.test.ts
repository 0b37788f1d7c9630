import { expect, test } from '@playwright/test';
import { connected, hydrated, staffPage } from './helpers';

/**
 * Recording hands at an estate-wide 业主大会 (41 owners): the console's 尚未投票 list shows who is in
 * the courtyard first, finds an owner by name or door number, says 未到会 beside owners who are not
 * there (with no buttons to tap), and the count agrees with the tally as hands are recorded.
 */
test('hand recording at an owners’ assembly: present owners first, search, and the right words', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const { ctx, page } = await staffPage(browser, 'facilitator', { width: 1280, height: 900 });
	await page.goto('/meetings/new');
	await hydrated(page);
	await page.getByLabel('会议类型').selectOption({ label: '业主大会' });
	await page.getByLabel('议事会名称').fill('富春小区业主大会（举手）');
	await page.getByLabel('范围').selectOption({ label: '富春小区（整个小区）' });
	await page.getByLabel(/日期和时间/).fill('2027-02-20T19:30');
	await page.getByLabel('地点').fill('小区广场');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page).toHaveURL(/\/meetings\/\d+$/);
	const meetingId = Number(new URL(page.url()).pathname.split('/').pop());
	await page.goto(`/m/${meetingId}/console`);
	await connected(page);
	await page.getByRole('button', { name: '开始会议' }).click();
	await page.locator('#new-title').fill('是否续聘物业服务企业');
	await page.getByRole('button', { name: '添加议题' }).click();
	await page
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();

	// Three owners are in the courtyard; the rest may vote on their phones from home.
	const mark = page.getByRole('button', { name: /^标记 .+ 到会$/ });
	const here: string[] = [];
	for (let i = 0; i < 3; i++) {
		const button = mark.first();
		here.push((await button.getAttribute('aria-label'))!.replace(/^标记 /, '').replace(/ 到会$/, ''));
		await button.click();
		await expect(page.getByRole('button', { name: `取消 ${here[i]} 的到会` })).toBeVisible();
	}

	await page
		.getByLabel('表决事项（民法典第二百七十八条）')
		.selectOption({ label: '（四）选聘和解聘物业服务企业或其他管理人' });
	await page.getByLabel('范围内所有人（没到场也能用手机投）').check();
	await page.getByRole('button', { name: '发起表决' }).click();
	await expect(page.getByRole('button', { name: '结束表决' })).toBeVisible();

	// Only those present are listed at first, each with the choices to tap.
	const list = page.getByTestId('missing-voters');
	await expect(list.getByRole('listitem')).toHaveCount(3);
	for (const name of here) await expect(list).toContainText(name);
	await expect(page.getByTestId('missing-count')).toContainText('41');

	// Everyone not yet voted, on request: absent owners say so and offer nothing to tap.
	await page.getByLabel('只显示已到会的').uncheck();
	await expect(list.getByRole('listitem')).toHaveCount(41);
	const absent = list.getByRole('listitem').filter({ hasText: '未到会' });
	await expect(absent).toHaveCount(38);
	await expect(absent.first().getByRole('button')).toHaveCount(0);

	// Finding one owner by name among the 41.
	const absentName = (await absent.first().locator('.who').innerText()).trim();
	await page.getByLabel('查找姓名或门牌').fill(absentName);
	await expect(list.getByRole('listitem').first()).toContainText(absentName);
	await page.getByLabel('查找姓名或门牌').fill('');
	await page.getByLabel('只显示已到会的').check();

	// A hand recorded by name leaves the list, and the count follows the tally.
	await list.getByRole('listitem').first().getByRole('button', { name: /同意$/ }).click();
	await expect(list.getByRole('listitem')).toHaveCount(2);
	await expect(page.getByTestId('missing-count')).toContainText('40');
	await expect(page.getByText('不能为其代投')).toHaveCount(0);
	await ctx.close();
});
