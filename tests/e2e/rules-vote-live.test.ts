import { expect, test } from '@playwright/test';
import { connected, ensureDraft, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * A village-rules vote put from /rules/adopt reaches the resident's phone and the projector while they
 * watch, with the clause text one tap away on the phone; opened by mistake, it is withdrawn before any
 * ballot, every screen says so, and the notice board keeps it in the chain as withdrawn.
 */
test.use({ locale: 'zh-CN' });

test('a rules vote opened from the adoption page appears live on a phone and the projector, and is withdrawn', async ({
	browser
}) => {
	test.setTimeout(120_000);
	await ensureDraft(process.env.E2E_BASE_URL!);
	const { ctx: staffCtx, page: chair } = await staffPage(browser, 'facilitator');
	const { meetingId, screenPath, code } = await startBuildingMeeting(
		chair,
		'1栋公约条款表决会',
		'2027-03-10T19:30'
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

	// The facilitator puts the first clause to a vote from the rules pages, not the console.
	await chair.goto('/rules/adopt');
	await chair.getByLabel('在哪个会议上表决').selectOption({ label: '1栋公约条款表决会' });
	await chair.getByLabel('选定的条款').check();
	const firstClause = chair.locator('table.clauses tbody tr').first();
	const clauseText = (await firstClause.locator('td.text').innerText()).trim();
	await firstClause.getByRole('checkbox').check();
	await chair.getByRole('button', { name: '发起表决' }).click();
	await expect(chair).toHaveURL(new RegExp(`/m/${meetingId}/console$`));

	// Neither the phone nor the projector reloads: the poll arrives on its own.
	const card = phone.page.locator('section.poll-card');
	await expect(card.getByRole('heading', { name: /是否通过《.+》第一条/ })).toBeVisible();
	await expect(screen.getByText('正在表决')).toBeVisible();
	await expect(screen.getByRole('heading', { level: 1 })).toContainText('第一条');

	// The clause being adopted, one tap from the ballot.
	const read = card.getByRole('link', { name: /阅读要表决的条文/ });
	await expect(read).toBeVisible();
	await read.click();
	await expect(phone.page.getByTestId('poll-clauses')).toContainText(clauseText);
	await phone.page.getByRole('link', { name: '返回会议' }).click();
	await connected(phone.page);
	await expect(card.getByRole('heading', { name: /第一条/ })).toBeVisible();

	// Opened by mistake: withdrawn before anyone voted, and every screen says so.
	await chair.getByRole('button', { name: '撤回表决' }).click();
	await chair.getByRole('button', { name: '确定撤回' }).click();
	await expect(card).toContainText('已撤回');
	await expect(screen.locator('.outcome')).toContainText('已撤回');

	// The notice board keeps it in the chain, marked as withdrawn (no decision was taken).
	const visitor = await browser.newContext({ locale: 'zh-CN' });
	const board = await visitor.newPage();
	await board.goto('/notice/1');
	const entry = board.locator('[data-outcome="withdrawn"]').first();
	await expect(entry).toContainText('已撤回');
	await Promise.all([staffCtx.close(), phone.ctx.close(), screenCtx.close(), visitor.close()]);
});
