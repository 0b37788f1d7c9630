import { expect, test, type Page } from '@playwright/test';
import { connected, residentPhone, staffPage } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * The village rules draft (/rules), co-edited live: two committee members in the same clause at once,
 * one of them typing Chinese through an input method, and a resident watching on a phone. The tests
 * share the one rules document of the demo community and run in order.
 */
test.use({ locale: 'zh-CN' });

const editorOf = (page: Page) => page.locator('.rules-body');
const templateButton = (page: Page) => page.getByRole('button', { name: '从模板开始' });

/** The text of each clause as stored, without the others' caret name tags. */
function clauseTexts(page: Page): Promise<string[]> {
	return editorOf(page)
		.locator('.rules-clause')
		.evaluateAll((els) =>
			els.map((el) => {
				const copy = el.cloneNode(true) as HTMLElement;
				copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
				return copy.textContent ?? '';
			})
		);
}

async function openRules(page: Page) {
	await page.goto('/rules');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('村规民约（草案）');
	await connected(page);
}

/** The cursor at the start or end of the first paragraph of clause `n` (0-based). */
async function caretIn(page: Page, n: number, where: 'Home' | 'End') {
	// A DOM selection, not the Home key: in a long, wrapped paragraph Home goes to the visual line's start.
	const paragraph = editorOf(page).locator('.rules-clause').nth(n).locator('p').first();
	await paragraph.click();
	await paragraph.evaluate((el, atStart) => {
		const range = document.createRange();
		range.selectNodeContents(el);
		range.collapse(atStart);
		document.getSelection()!.removeAllRanges();
		document.getSelection()!.addRange(range);
	}, where === 'Home');
}

test('two committee members draft the same clause at once and see the same text', async ({ browser }) => {
	const a = await staffPage(browser, 'committee');
	const b = await staffPage(browser, 'committee');
	await openRules(a.page);
	await openRules(b.page);
	// An empty draft offers the template to both; once one starts, the other's offer goes away.
	await expect(templateButton(a.page)).toBeVisible();
	await expect(templateButton(b.page)).toBeVisible();
	await templateButton(a.page).click();
	await expect(templateButton(b.page)).toBeHidden();
	for (const page of [a.page, b.page]) {
		await expect(editorOf(page)).toHaveAttribute('contenteditable', 'true');
		await expect(editorOf(page).locator('.rules-title')).toHaveText('村规民约');
		await expect(editorOf(page).locator('.rules-chapter')).toHaveAttribute('data-label', '第一章');
		await expect(editorOf(page).locator('.rules-clause')).toHaveCount(2);
	}
	await expect(editorOf(b.page).locator('.rules-clause').nth(1)).toHaveAttribute('data-label', '第二条');

	// Both type into the first clause at the same moment: one at its end, one at its start.
	const original = (await clauseTexts(a.page))[0];
	await caretIn(a.page, 0, 'End');
	await caretIn(b.page, 0, 'Home');
	await Promise.all([
		a.page.keyboard.type('（甲补充）', { delay: 20 }),
		b.page.keyboard.type('【乙】', { delay: 25 })
	]);
	const expected = `【乙】${original}（甲补充）`;
	await expect.poll(async () => (await clauseTexts(a.page))[0]).toBe(expected);
	await expect.poll(async () => (await clauseTexts(b.page))[0]).toBe(expected);
	// Each sees the other's caret with the name the server stamped on it.
	await expect(editorOf(a.page).locator('.collaboration-carets__label')).toHaveText('两委委员 陈国强');

	// Moving the second clause up renumbers it live on the other screen, and it keeps its text.
	const second = (await clauseTexts(a.page))[1];
	await caretIn(a.page, 1, 'End');
	await a.page.getByRole('button', { name: '把当前条款上移' }).click();
	await expect.poll(async () => (await clauseTexts(b.page))[0]).toBe(second);
	await expect(editorOf(b.page).locator('.rules-clause').first()).toHaveAttribute('data-label', '第一条');
	await a.page.getByRole('button', { name: '把当前条款下移' }).click();
	await expect.poll(async () => (await clauseTexts(b.page))[1]).toBe(second);

	// Nothing wider than a phone: the toolbar wraps at 360 px.
	await a.page.setViewportSize({ width: 360, height: 740 });
	const overflow = await a.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await a.ctx.close();
	await b.ctx.close();
});

test('Chinese typed through an input method merges with the other’s typing, nothing lost or doubled', async ({
	browser
}) => {
	const a = await staffPage(browser, 'committee');
	const b = await staffPage(browser, 'committee');
	// The facilitator (not on the drafting committee) reads along: what every reader sees, and proof
	// that b's typing has gone out.
	const reader = await staffPage(browser, 'facilitator');
	for (const page of [a.page, b.page, reader.page]) await openRules(page);
	await expect(editorOf(reader.page)).toHaveAttribute('contenteditable', 'false');
	await expect(editorOf(a.page).locator('.rules-clause').nth(1)).toBeVisible();
	const before = (await clauseTexts(a.page))[1];
	await caretIn(a.page, 1, 'End');
	await caretIn(b.page, 1, 'Home');
	const cdp = await a.page.context().newCDPSession(a.page);

	// For each character: the pinyin is composed letter by letter; meanwhile the other person types in
	// the same clause and their change reaches the server; only then is the character chosen.
	let typedByB = '';
	for (const [pinyin, hanzi, other] of [
		['cun', '村', '一'],
		['min', '民', '二'],
		['zi', '自', '三'],
		['zhi', '治', '四']
	]) {
		for (let i = 1; i <= pinyin.length; i++) {
			await cdp.send('Input.imeSetComposition', {
				text: pinyin.slice(0, i),
				selectionStart: i,
				selectionEnd: i
			});
		}
		await expect.poll(async () => (await clauseTexts(a.page))[1]).toMatch(new RegExp(`${pinyin}$`));
		await b.page.keyboard.type(other);
		typedByB += other;
		await expect.poll(async () => (await clauseTexts(reader.page))[1]).toContain(typedByB);
		// The pinyin never leaves the composing screen.
		expect((await clauseTexts(reader.page))[1]).not.toMatch(/[a-z]/);
		expect((await clauseTexts(b.page))[1]).not.toMatch(/[a-z]/);
		await cdp.send('Input.insertText', { text: hanzi });
	}
	const expected = `${typedByB}${before}村民自治`;
	for (const page of [a.page, b.page, reader.page]) {
		await expect.poll(async () => (await clauseTexts(page))[1]).toBe(expected);
	}
	for (const c of [a.ctx, b.ctx, reader.ctx]) await c.close();
});

test('a resident follows the draft live on a phone but cannot edit it; other staff read it too', async ({
	browser
}) => {
	const [invitation] = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	const resident = await residentPhone(browser, invitation);
	await openRules(resident.page);
	await expect(resident.page.getByText('只读：您可以查看，但不能修改。')).toBeVisible();
	await expect(editorOf(resident.page)).toHaveAttribute('contenteditable', 'false');
	await expect(resident.page.getByRole('toolbar')).toHaveCount(0);
	await expect(templateButton(resident.page)).toHaveCount(0);

	const writer = await staffPage(browser, 'admin');
	await openRules(writer.page);
	await expect(editorOf(writer.page).locator('.rules-clause').first()).toBeVisible();
	await caretIn(writer.page, 0, 'End');
	await writer.page.keyboard.type('违者由村民委员会批评教育。');
	await expect.poll(async () => (await clauseTexts(resident.page))[0]).toMatch(/违者由村民委员会批评教育。$/);

	// Typing on the phone changes nothing, there or for the writer.
	const seen = await clauseTexts(resident.page);
	await editorOf(resident.page).locator('.rules-clause').first().click();
	await resident.page.keyboard.type('乱改');
	expect(await clauseTexts(resident.page)).toEqual(seen);
	expect(await clauseTexts(writer.page)).toEqual(seen);
	// Who else is editing: the other writer is listed, the resident reading along is not.
	const committee = await staffPage(browser, 'committee');
	await openRules(committee.page);
	await expect(writer.page.getByText('正在一起编辑：')).toContainText('两委委员 陈国强');
	await expect(writer.page.getByText('正在一起编辑：')).not.toContainText(resident.name);
	await expect(resident.page.getByText('正在一起编辑：')).toContainText('社区管理员 周敏');
	const overflow = await resident.page.evaluate(
		() => document.documentElement.scrollWidth - window.innerWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);

	// The rules bind everyone in the community: a department liaison reads them, without editing.
	const liaison = await staffPage(browser, 'liaison');
	await openRules(liaison.page);
	await expect(editorOf(liaison.page)).toHaveAttribute('contenteditable', 'false');
	for (const c of [resident.ctx, writer.ctx, committee.ctx, liaison.ctx]) await c.close();
});
