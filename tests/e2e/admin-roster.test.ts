import { expect, test } from '@playwright/test';
import iconv from 'iconv-lite';

/** A roster as a Chinese community office saves it from Excel: GB18030, Chinese headers. */
const rosterCsv = (rows: string[]) =>
	iconv.encode(['小区,楼栋,门牌,姓名,电话,出生年份', ...rows].join('\r\n') + '\r\n', 'gb18030');

test('an admin imports a CSV roster, prints invitation cards, and a resident logs in with one', async ({
	page,
	browser
}) => {
	await page.goto('/login');
	await page.getByLabel('用户名').fill('admin');
	await page.getByLabel('密码').fill('yizhan-demo');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('您好');

	// A file with one bad row imports nothing and names the row.
	await page.goto('/admin/import');
	await page.getByLabel('名册文件（CSV）').setInputFiles({
		name: '花园小区.csv',
		mimeType: 'text/csv',
		buffer: rosterCsv([
			'花园小区,8栋,1单元101,孙桂芳,13908701234,1950',
			'花园小区,8栋,1单元102,,13908701235,1952'
		])
	});
	await page.getByRole('button', { name: '上传并导入' }).click();
	await expect(page.getByRole('alert')).toContainText('没有导入任何数据');
	const badRows = page.getByRole('table', { name: '名册中有错误的行' });
	await expect(badRows).toContainText('3');
	await expect(badRows).toContainText('姓名');

	await page.getByLabel('名册文件（CSV）').setInputFiles({
		name: '花园小区.csv',
		mimeType: 'text/csv',
		buffer: rosterCsv([
			'花园小区,8栋,1单元101,孙桂芳,13908701234,1950',
			'花园小区,8栋,1单元102,钱明华,13908701235,1952'
		])
	});
	await page.getByRole('button', { name: '上传并导入' }).click();
	await expect(page.getByRole('status')).toContainText('已导入');

	// Print the new building's cards.
	await page.goto('/admin/invitations');
	await page.getByLabel(/楼栋/).first().selectOption({ label: '花园小区 8栋' });
	await page.getByRole('button', { name: '生成并打印本楼邀请卡' }).click();
	await expect(page.getByRole('status')).toContainText('2 张新邀请卡');
	const cards = page.locator('article.invite');
	await expect(cards).toHaveCount(2);
	await expect(cards.first()).toContainText('孙桂芳');
	await expect(cards.first().locator('svg')).toBeVisible();
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
	await expect(cards.first()).toBeVisible();

	// The resident scans the card on a phone.
	const url = await cards.first().getAttribute('data-join-url');
	const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
	const residentPage = await phone.newPage();
	await residentPage.goto(url!);
	await expect(residentPage.getByRole('heading', { level: 1 })).toContainText('孙桂芳，您好');
	await expect(residentPage.getByText(/您是 8栋1单元101/)).toBeVisible();
	await phone.close();
});
