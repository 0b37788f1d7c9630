import { expect, test } from '@playwright/test';
import { connected, hydrated, staffPage } from './helpers';

test('an owners’ assembly vote: hands recorded by unit, the projector shows both tallies and the result cites Art 278', async ({
	browser
}) => {
	const { ctx, page } = await staffPage(browser, 'facilitator');
	await page.goto('/meetings/new');
	await hydrated(page);
	await page.getByLabel('会议类型').selectOption({ label: '业主大会' });
	await page.getByLabel('议事会名称').fill('2栋业主大会');
	await page.getByLabel('范围').selectOption({ label: '富春小区 2栋' });
	await page.getByLabel(/日期和时间/).fill('2027-01-20T19:30');
	await page.getByLabel('地点').fill('2栋架空层');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page).toHaveURL(/\/meetings\/\d+$/);
	const meetingId = Number(new URL(page.url()).pathname.split('/').pop());
	await page.goto(`/m/${meetingId}/console`);
	await connected(page);
	const screenPath = (await page.getByRole('link', { name: '打开投影屏幕' }).getAttribute('href'))!;
	await page.getByRole('button', { name: '开始会议' }).click();
	await page.locator('#new-title').fill('是否续聘物业服务企业');
	await page.getByRole('button', { name: '添加议题' }).click();
	await page
		.getByRole('listitem', { name: '第 1 项议题' })
		.getByRole('button', { name: '设为当前议题' })
		.click();

	// All six units' residents are in the courtyard.
	const mark = page.getByRole('button', { name: /^标记 .+ 到会$/ });
	await expect(mark).toHaveCount(6);
	for (let left = 6; left > 0; left--) {
		await mark.first().click();
		await expect(mark).toHaveCount(left - 1);
	}

	const screen = await ctx.newPage();
	await screen.setViewportSize({ width: 1280, height: 720 });
	await screen.goto(screenPath);

	// Raising the maintenance fund is a special matter: the rule follows the matter.
	await page.getByLabel('表决事项（民法典第二百七十八条）').selectOption({ label: '（六）筹集维修资金' });
	await expect(page.getByRole('radio', { name: /业主大会（筹集维修资金/ })).toBeChecked();
	await page
		.getByLabel('表决事项（民法典第二百七十八条）')
		.selectOption({ label: '（四）选聘和解聘物业服务企业或其他管理人' });
	await expect(page.getByRole('radio', { name: '业主大会（一般事项）' })).toBeChecked();
	await page.getByRole('button', { name: '发起表决' }).click();
	await expect(page.getByRole('button', { name: '结束表决' })).toBeVisible();

	// Six units, five owners (one owns two units): record four owners' hands by unit.
	const missing = page.getByTestId('missing-voters');
	await expect(missing.getByRole('listitem')).toHaveCount(5);
	for (let i = 0; i < 3; i++) {
		await missing.getByRole('listitem').first().getByRole('button', { name: /同意$/ }).click();
		await expect(missing.getByRole('listitem')).toHaveCount(4 - i);
	}
	await missing.getByRole('listitem').first().getByRole('button', { name: /反对$/ }).click();
	await expect(missing.getByRole('listitem')).toHaveCount(1);

	const area = screen.getByTestId('area-tally');
	await expect(area).toContainText('按专有部分面积');
	await expect(area).toContainText('总面积 674.3 平方米');
	await expect(screen.getByText(/已投 4 \/ 应投 5/)).toBeVisible();

	await page.getByRole('button', { name: '结束表决' }).click();
	await page.getByRole('button', { name: '确定结束表决' }).click();
	await expect(screen.locator('.outcome')).toBeVisible();
	await expect(screen.getByText('依照民法典 第二百七十八条', { exact: false }).first()).toBeVisible();
	await expect(screen.getByTestId('area-tally')).toContainText('人数和面积两项都达到才通过');
	await ctx.close();
});
