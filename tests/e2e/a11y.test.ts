import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { connected, residentPhone, staffPage, startBuildingMeeting } from './helpers';
import { demoInvitationPaths } from '../helpers/server';

/**
 * The accessibility audit: axe-core on every resident page and the projector, at 360×740,
 * in normal and in elder mode (长辈版), failing on serious or critical violations; then the numbers axe
 * does not check (font size, line height, tap targets) on the meeting and ballot pages, a page at a
 * 200% font, and the live region that announces a newly opened poll.
 *
 * Elder mode is per device: the cookie `yizhan_elder=1` makes the server render `<html data-elder="1">`,
 * styled by the `[data-elder]` section of src/app.css. The MIIT 适老化 figures it must meet: main text
 * ≥ 18pt (24 CSS px), line height ≥ 1.3, primary tap targets ≥ 60×60 CSS px, others ≥ 44×44.
 *
 * The file builds its own meeting, polls, resolution and proposal (in beforeAll, again in a new worker
 * after a failure), so it depends on no other test. The tests that only look at the ballot come first;
 * the audits then cast one no-JS ballot each (Bob in normal mode, Alice in elder mode).
 */
test.use({ locale: 'zh-CN' });

const PHONE = { width: 360, height: 740 };
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MODES = [
	{ name: 'normal', elder: false },
	{ name: 'elder', elder: true }
] as const;
/** Unique to this run, so it also passes on a database an earlier run used. */
const run = Date.now().toString(36).slice(-5);
const FIRST_QUESTION = `楼道堆物清理 ${run}`;
const QUESTION = `加装电梯的费用分摊 ${run}`;
const PROPOSAL = `单元门禁经常坏 ${run}`;

type World = {
	staff: BrowserContext;
	/** Alice's and Bob's signed-in phones, as storage states. */
	sessions: Awaited<ReturnType<BrowserContext['storageState']>>[];
	meetingId: number;
	screenPath: string;
	pollId: number;
	resolutionPath: string;
	followUpPath: string;
	proposalPath: string;
	/** What the phone's live region said when the second poll opened. */
	announced: string;
};
let world: World;

async function elderCookie(ctx: BrowserContext, elder: boolean) {
	if (elder) await ctx.addCookies([{ name: 'yizhan_elder', value: '1', url: process.env.E2E_BASE_URL! }]);
}

async function anonymousPhone(browser: Browser, elder: boolean, viewport = PHONE) {
	const ctx = await browser.newContext({ viewport, locale: 'zh-CN' });
	await elderCookie(ctx, elder);
	return { ctx, page: await ctx.newPage() };
}

/** A resident's phone, signed in with the session made in beforeAll (0: Alice, 1: Bob). */
async function resident(browser: Browser, elder: boolean, n = 0) {
	// Invitation links are rate-limited per client (20 in 10 minutes), so they are opened once only.
	const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', storageState: world.sessions[n] });
	await elderCookie(ctx, elder);
	return { ctx, page: await ctx.newPage() };
}

/** Axe's violations of serious or critical impact on the page as it is, one readable line each. */
async function seriousViolations(page: Page): Promise<string[]> {
	const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map(
			(v) =>
				`${v.id} (${v.impact}): ${v.help}\n` +
				v.nodes
					.map((n) => `    ${n.target.join(' ')}  ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`)
					.join('\n')
		);
}

/** Records (softly, so one run lists every page) the serious and critical violations of a page. */
async function audit(page: Page, what: string) {
	const report = await seriousViolations(page);
	expect
		.soft(report, `${what} (${page.url()}) has serious or critical axe violations:\n${report.join('\n')}`)
		.toEqual([]);
}

/** A page has loaded and, if it runs scripts, hydrated. */
async function settle(page: Page, path: string) {
	await page.goto(path, { waitUntil: 'networkidle' });
	await expect(page.locator('h1').first()).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
	test.setTimeout(120_000);
	const invitations = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	expect(invitations.length).toBeGreaterThanOrEqual(2);

	// A live meeting for 1栋 whose first item was decided by a show of hands: a public resolution
	// and a follow-up to show.
	const { ctx: staff, page: console_ } = await staffPage(browser, 'facilitator', {
		width: 1280,
		height: 900
	});
	const { meetingId, screenPath } = await startBuildingMeeting(
		console_,
		`1栋无障碍检查 ${run}`,
		'2026-12-05T19:30'
	);
	const addItem = async (title: string, n: number) => {
		await console_.locator('#new-title').fill(title);
		await console_.getByRole('button', { name: '添加议题' }).click();
		await console_
			.getByRole('listitem', { name: `第 ${n} 项议题` })
			.getByRole('button', { name: '设为当前议题' })
			.click();
		await expect(console_.getByRole('listitem', { name: `第 ${n} 项议题` })).toContainText('当前议题');
	};
	await addItem(FIRST_QUESTION, 1);
	// Four households without phones are marked present; Alice and Bob are not, so their phones
	// still offer 签到.
	const alice = await residentPhone(browser, invitations[0]);
	const bob = await residentPhone(browser, invitations[1]);
	const sessions = [await alice.ctx.storageState(), await bob.ctx.storageState()];
	await bob.ctx.close();
	const mark = console_.getByRole('button', { name: /^标记 .+ 到会$/ });
	await expect(mark).toHaveCount(6);
	const others = (await mark.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')!))).filter(
		(label) => !label.includes(alice.name) && !label.includes(bob.name)
	);
	expect(others).toHaveLength(4);
	for (const label of others) await console_.getByRole('button', { name: label, exact: true }).click();
	await expect(mark).toHaveCount(2);
	await console_.getByLabel('表决的问题').fill(FIRST_QUESTION);
	await console_.getByRole('button', { name: '发起表决' }).click();
	await console_.locator('#hands-yes').fill('4');
	await console_.getByRole('button', { name: '保存举手票数' }).click();
	await expect(console_.getByText('已保存，举手共 4 票。')).toBeVisible();
	await console_.getByRole('button', { name: '结束表决' }).click();
	await console_.getByRole('button', { name: '确定结束表决' }).click();
	const resolutionLink = console_.getByRole('link', { name: '查看决议公示' }).first();
	const resolutionPath = (await resolutionLink.getAttribute('href'))!;
	expect(resolutionPath).toMatch(/^\/resolutions\/\d+$/);

	// A resident's phone is on the meeting page when the second poll opens: its live region says so.
	await alice.page.goto(`/m/${meetingId}`);
	await connected(alice.page);
	await addItem(QUESTION, 2);
	await console_.getByLabel('表决的问题').fill(QUESTION);
	// Everyone in scope may vote, checked in or not, so Alice's and Bob's phones show the ballot.
	await console_.getByLabel(/范围内所有人/).check();
	await console_.getByRole('button', { name: '发起表决' }).click();
	await expect(console_.getByRole('button', { name: '结束表决' })).toBeVisible();
	const region = alice.page.locator('[aria-live="polite"][data-testid="poll-announcer"]');
	await expect(region).toContainText(QUESTION);
	const announced = (await region.innerText()).trim();
	const action = await alice.page.locator('section.poll-card form').getAttribute('action');
	const pollId = Number(action!.match(/\/poll\/(\d+)\?/)![1]);

	// A proposal of Alice's, to show a proposal page.
	await alice.page.goto('/proposals/new', { waitUntil: 'networkidle' });
	await alice.page.getByLabel('标题').fill(PROPOSAL);
	await alice.page.getByLabel('详细说明').fill('2单元的门禁刷卡没反应，老人进不了门。');
	await alice.page.getByRole('button', { name: '提交' }).click();
	await expect(alice.page).toHaveURL(/\/proposals\/\d+$/);
	const proposalPath = new URL(alice.page.url()).pathname;

	// The follow-up the passed resolution opened.
	await alice.page.goto(resolutionPath);
	const followUpPath = (await alice.page.locator('a[href^="/followups/"]').first().getAttribute('href'))!;
	await alice.ctx.close();

	world = {
		staff,
		sessions,
		meetingId,
		screenPath,
		pollId,
		resolutionPath,
		followUpPath,
		proposalPath,
		announced
	};
});

test.afterAll(async () => {
	await world?.staff.close();
});

test('a newly opened poll is announced in a polite live region on the phone', () => {
	expect(world.announced).toContain(QUESTION);
	expect(world.announced).toContain('新的表决');
});

type Box = { what: string; width: number; height: number };
type Text = { what: string; fontSize: number; lineHeight: number };

/**
 * The figures of the meeting page: its main text (font size and line height as computed), the primary
 * actions (ballot options, 投票, 签到, 举手发言) and every other control, by bounding box.
 */
async function meetingFigures(page: Page) {
	return page.evaluate(() => {
		const name = (el: Element) =>
			`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim().split(/\s+/)[0] : ''} “${(el.textContent ?? '').trim().slice(0, 12)}”`;
		const visible = (el: Element) => {
			const r = el.getBoundingClientRect();
			return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
		};
		const text = (selector: string) =>
			[...document.querySelectorAll(selector)].filter(visible).map((el) => {
				const s = getComputedStyle(el);
				const fontSize = parseFloat(s.fontSize);
				// 'normal' depends on the font; count it as failing rather than guess.
				const lineHeight = s.lineHeight === 'normal' ? 0 : parseFloat(s.lineHeight) / fontSize;
				return { what: name(el), fontSize, lineHeight };
			});
		const box = (el: Element) => {
			const r = el.getBoundingClientRect();
			return { what: name(el), width: r.width, height: r.height };
		};
		const primary = [
			...document.querySelectorAll('section.poll-card label.option, section.poll-card button[type="submit"]'),
			...document.querySelectorAll('section.actions button')
		].filter(visible);
		const others = [
			...document.querySelectorAll(
				'main button, main a.button, main summary, main input:not([type="radio"]):not([type="checkbox"]), main select'
			)
		]
			.filter(visible)
			.filter((el) => !primary.includes(el));
		return {
			main: text(
				[
					'main',
					'section.poll-card .question',
					'section.poll-card label.option .text',
					'.current .current-title',
					'.current .notes',
					'.agenda .item-title',
					'.att',
					'.check-in label'
				].join(', ')
			) as Text[],
			primary: primary.map(box) as Box[],
			others: others.map(box) as Box[]
		};
	});
}

const tooSmall = (boxes: Box[], min: number) =>
	boxes
		.filter((b) => b.width < min - 0.5 || b.height < min - 0.5)
		.map((b) => `${b.what} ${b.width}×${b.height}`);

async function meetingWithBallot(browser: Browser, elder: boolean) {
	const r = await resident(browser, elder);
	await r.page.goto(`/m/${world.meetingId}`);
	await connected(r.page);
	const card = r.page.locator('section.poll-card');
	await expect(card.getByRole('radio', { name: '同意' })).toBeVisible();
	await expect(r.page.getByRole('button', { name: '签到' })).toBeVisible();
	await expect(r.page.getByRole('button', { name: '举手发言' })).toBeVisible();
	return r;
}

test('ballot options are radios named by their text, in a labelled group', async ({ browser }) => {
	const { ctx, page } = await meetingWithBallot(browser, false);
	const card = page.locator('section.poll-card');
	await expect(card.getByRole('heading', { name: QUESTION })).toBeVisible();
	await expect(card.getByRole('group', { name: '请选择' })).toBeVisible();
	for (const option of ['同意', '反对', '弃权'])
		await expect(card.getByRole('radio', { name: option })).toHaveCount(1);
	await ctx.close();
});

test('the audit finds a missing label and unreadable contrast (it can fail)', async ({ browser }) => {
	const { ctx, page } = await anonymousPhone(browser, false);
	await settle(page, '/login');
	await page.evaluate(() => {
		const canary = document.createElement('div');
		canary.innerHTML =
			'<input id="canary-input"><p id="canary-text" style="color:#bbb;background:#fff">看不清的字</p>';
		document.querySelector('main')!.append(canary);
	});
	await expect(page.locator('#canary-text')).toBeVisible();
	const found = (await seriousViolations(page)).join('\n');
	expect(found).toContain('label (critical)');
	expect(found).toContain('#canary-input');
	expect(found).toContain('color-contrast (serious)');
	expect(found).toContain('#canary-text');
	await ctx.close();
});

test('the meeting page is reached by keyboard in page order, each stop visible and outlined', async ({
	browser
}) => {
	const { ctx, page } = await meetingWithBallot(browser, false);
	// The first stop skips to the content.
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: '跳到正文' })).toBeFocused();
	await expect(page.getByRole('link', { name: '跳到正文' })).toBeInViewport();
	const stops: Array<{ what: string; follows: boolean; outlined: boolean; onScreen: boolean }> = [];
	for (let i = 0; i < 40; i++) {
		await page.keyboard.press('Tab');
		const stop = await page.evaluate(() => {
			const el = document.activeElement;
			if (!el || el === document.body) return null;
			const w = window as unknown as { __lastStop?: Element };
			const prev = w.__lastStop;
			w.__lastStop = el;
			const r = el.getBoundingClientRect();
			const s = getComputedStyle(el);
			return {
				what: `${el.tagName.toLowerCase()} “${(el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '').trim().slice(0, 12)}”`,
				follows: !prev || !!(prev.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
				outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
				onScreen: r.top >= -1 && r.bottom <= window.innerHeight + 1 && r.width > 0
			};
		});
		if (!stop) break;
		stops.push(stop);
	}
	expect(stops.length).toBeGreaterThan(8);
	expect(
		stops.filter((s) => !s.follows).map((s) => s.what),
		'stops out of page order'
	).toEqual([]);
	expect(
		stops.filter((s) => !s.outlined).map((s) => s.what),
		'stops without a focus ring'
	).toEqual([]);
	expect(
		stops.filter((s) => !s.onScreen).map((s) => s.what),
		'stops not scrolled into view'
	).toEqual([]);
	const names = stops.map((s) => s.what).join(' ');
	for (const name of ['同意', '投票', '签到', '举手发言']) expect(names).toContain(name);
	expect(await page.locator('[tabindex]:not([tabindex="0"]):not([tabindex="-1"])').count()).toBe(0);

	// Voting by keyboard: the confirmation takes the focus (it replaces the button pressed), and 返回
	// gives it back to the choice.
	const card = page.locator('section.poll-card');
	await card.getByRole('radio', { name: '同意' }).focus();
	await page.keyboard.press('Space');
	await expect(card.getByRole('radio', { name: '同意' })).toBeChecked();
	await page.keyboard.press('Tab');
	await expect(card.getByRole('button', { name: '投票' })).toBeFocused();
	await page.keyboard.press('Enter');
	const dialog = card.getByRole('alertdialog', { name: '您选择了：同意。确认投票？' });
	await expect(dialog).toBeFocused();
	await expect(dialog).toBeInViewport();
	await page.keyboard.press('Tab');
	await expect(dialog.getByRole('button', { name: '确认' })).toBeFocused();
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect(card.getByRole('radio', { name: '同意' })).toBeFocused();
	await expect(card.getByRole('radio', { name: '同意' })).toBeChecked();
	await ctx.close();
});

test('normal mode: meeting and ballot text is at least 18 px, lines 1.3, every target 44×44', async ({
	browser
}) => {
	const { ctx, page } = await meetingWithBallot(browser, false);
	const f = await meetingFigures(page);
	expect(f.primary.length).toBeGreaterThanOrEqual(6); // three options, 投票, 签到, 举手发言
	expect(f.main.filter((t) => t.fontSize < 18).map((t) => `${t.what} ${t.fontSize}px`)).toEqual([]);
	expect(f.main.filter((t) => t.lineHeight < 1.3 - 0.005).map((t) => `${t.what} ${t.lineHeight}`)).toEqual(
		[]
	);
	expect(tooSmall([...f.primary, ...f.others], 44)).toEqual([]);

	// The no-JS ballot page: its heading, text and its one action.
	await page.goto(`/m/${world.meetingId}/poll/${world.pollId}`);
	const back = page.getByRole('link', { name: '返回会议' });
	const b = (await back.boundingBox())!;
	expect(Math.min(b.width, b.height)).toBeGreaterThanOrEqual(44);
	const body = await page
		.locator('main p')
		.first()
		.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
	expect(body).toBeGreaterThanOrEqual(18);
	await ctx.close();
});

test('elder mode: meeting and ballot lines are at least 1.3, primary actions 60×60, other targets 44×44', async ({
	browser
}) => {
	const { ctx, page } = await meetingWithBallot(browser, true);
	const f = await meetingFigures(page);
	expect(f.primary.length).toBeGreaterThanOrEqual(6);
	expect(f.main.filter((t) => t.lineHeight < 1.3 - 0.005).map((t) => `${t.what} ${t.lineHeight}`)).toEqual(
		[]
	);
	expect(tooSmall(f.primary, 60)).toEqual([]);
	expect(tooSmall(f.others, 44)).toEqual([]);
	await ctx.close();
});

// 长辈版: with the cookie yizhan_elder=1 the server renders <html data-elder="1"> and src/app.css's
// [data-elder] section sets main text to ≥ 24 px (18pt).
test('elder mode: meeting and ballot main text is at least 24 px (18pt)', async ({ browser }) => {
	const { ctx, page } = await meetingWithBallot(browser, true);
	await expect(page.locator('html')).toHaveAttribute('data-elder', '1');
	const f = await meetingFigures(page);
	expect(f.main.filter((t) => t.fontSize < 24).map((t) => `${t.what} ${t.fontSize}px`)).toEqual([]);

	await page.goto(`/m/${world.meetingId}/poll/${world.pollId}`);
	const body = await page
		.locator('main p')
		.first()
		.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
	expect(body).toBeGreaterThanOrEqual(24);
	await ctx.close();
});

/** Elements of the page that reach past the right edge of the screen (cut off or scrolled sideways). */
function pastTheEdge(page: Page) {
	return page.evaluate(() => {
		const edge = document.documentElement.clientWidth + 0.5;
		const out = [...document.querySelectorAll('body *')]
			.filter((el) => {
				const r = el.getBoundingClientRect();
				return (
					r.width > 0 && r.height > 0 && (r.right + window.scrollX > edge || r.left + window.scrollX < -0.5)
				);
			})
			.filter((el) => !el.closest('.visually-hidden, .skip'))
			.map(
				(el) =>
					`${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]} “${(el.textContent ?? '').trim().slice(0, 10)}”`
			);
		const scroll = document.documentElement.scrollWidth - document.documentElement.clientWidth;
		return scroll > 0 ? [`the page scrolls sideways by ${scroll}px`, ...out] : out;
	});
}

for (const mode of MODES) {
	test(`at a 200% font the meeting page fits 360 px and its ballot works (${mode.name})`, async ({
		browser
	}) => {
		const { ctx, page } = await meetingWithBallot(browser, mode.elder);
		// A very large system font: the root size doubles; everything sized in rem/em follows.
		await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
		expect(await pastTheEdge(page)).toEqual([]);

		const card = page.locator('section.poll-card');
		for (const option of ['同意', '反对', '弃权']) {
			const label = card.locator('label.option').filter({ has: page.getByRole('radio', { name: option }) });
			await label.scrollIntoViewIfNeeded();
			// 0.99, not 1: at 200% of 150% the sizes are fractional and scrolling can leave a sub-pixel edge.
			await expect(label).toBeInViewport({ ratio: 0.99 });
			await label.click();
			await expect(card.getByRole('radio', { name: option })).toBeChecked();
			// The chosen option says “✓ 已选” too: it must still fit.
			expect(await pastTheEdge(page), `with ${option} chosen`).toEqual([]);
		}
		for (const button of [
			card.getByRole('button', { name: '投票' }),
			page.getByRole('button', { name: '签到' }),
			page.getByRole('button', { name: '举手发言' })
		]) {
			await button.scrollIntoViewIfNeeded();
			await expect(button).toBeInViewport({ ratio: 0.99 });
			await expect(button).toBeEnabled();
		}
		// 投票 still leads to the confirmation in words.
		await card.getByRole('button', { name: '投票' }).click();
		await expect(page.getByText('您选择了：弃权。确认投票？')).toBeInViewport();
		expect(await pastTheEdge(page), 'the confirmation').toEqual([]);
		await ctx.close();
	});
}

for (const mode of MODES) {
	test(`resident pages at 360×740 have no serious or critical axe violations (${mode.name})`, async ({
		browser
	}) => {
		test.setTimeout(120_000);
		const { ctx, page } = await resident(browser, mode.elder);

		const pages: Array<[string, string]> = [
			['home', '/'],
			['meetings', '/meetings'],
			['proposals', '/proposals'],
			['a proposal', world.proposalPath],
			['new proposal', '/proposals/new'],
			['follow-ups', '/followups'],
			['points', '/points'],
			['a follow-up', world.followUpPath],
			['published rules', '/rules/published'],
			['a resolution', world.resolutionPath],
			['public notice', '/notice/1'],
			['not found', '/proposals/999999999']
		];
		for (const [what, path] of pages) {
			await settle(page, path);
			await audit(page, what);
		}

		// The rules draft, read-only for a resident, once its document has synced.
		await settle(page, '/rules');
		await connected(page);
		await audit(page, 'rules draft');

		// The meeting page with the ballot of the open poll.
		await settle(page, `/m/${world.meetingId}`);
		await connected(page);
		await expect(page.locator('section.poll-card').getByRole('radio', { name: '同意' })).toBeVisible();
		await audit(page, 'meeting page with a ballot');
		// Its confirmation step, too.
		await page.locator('section.poll-card').getByRole('radio', { name: '同意' }).check();
		await page.locator('section.poll-card').getByRole('button', { name: '投票' }).click();
		await expect(page.getByText('您选择了：同意。确认投票？')).toBeVisible();
		await audit(page, 'ballot confirmation');
		await page.getByRole('button', { name: '返回', exact: true }).click();
		// A raised hand: the place in the queue; then lowered again.
		await page.getByRole('button', { name: '举手发言' }).click();
		await expect(page.getByRole('button', { name: '放下手' })).toBeVisible();
		await audit(page, 'meeting page with a raised hand');
		await page.getByRole('button', { name: '放下手' }).click();
		await expect(page.getByRole('button', { name: '举手发言' })).toBeVisible();
		await ctx.close();

		// The no-JavaScript ballot: the form posts to the poll page, which shows the receipt. The app's
		// scripts are blocked rather than JavaScript turned off, because axe itself runs as a script.
		// Each run needs a household that has not voted: Bob in normal mode, then Alice.
		const voter = await resident(browser, mode.elder, mode.elder ? 0 : 1);
		await voter.ctx.route('**/_app/**/*.js', (route) => route.abort());
		await voter.page.goto(`/m/${world.meetingId}`);
		await audit(voter.page, 'meeting page without JavaScript');
		await voter.page.locator('section.poll-card').getByRole('radio', { name: '反对' }).check();
		await voter.page.locator('section.poll-card').getByRole('button', { name: '投票' }).click();
		await expect(voter.page).toHaveURL(new RegExp(`/m/${world.meetingId}/poll/${world.pollId}`));
		await expect(voter.page.getByText('您的选票已计入')).toBeVisible();
		await audit(voter.page, 'no-JS ballot receipt');
		await voter.page.goto(`/m/${world.meetingId}/poll/${world.pollId}`);
		await audit(voter.page, 'no-JS ballot page');
		await voter.ctx.close();

		// Pages for someone not signed in.
		const visitor = await anonymousPhone(browser, mode.elder);
		await settle(visitor.page, '/');
		await audit(visitor.page, 'home, signed out');
		await settle(visitor.page, '/login');
		await audit(visitor.page, 'login');
		await visitor.page.goto('/join/not-a-real-token');
		await expect(visitor.page.locator('h1')).toBeVisible();
		await audit(visitor.page, 'invitation error page');
		await visitor.ctx.close();
	});

	test(`the projector has no serious or critical axe violations (${mode.name})`, async ({ browser }) => {
		for (const viewport of [PHONE, { width: 1280, height: 720 }]) {
			const { ctx, page } = await anonymousPhone(browser, mode.elder, viewport);
			await page.goto(world.screenPath);
			await connected(page);
			await expect(page.getByText('正在表决')).toBeVisible();
			await audit(page, `projector at ${viewport.width}×${viewport.height}`);
			await ctx.close();
		}
	});
}
