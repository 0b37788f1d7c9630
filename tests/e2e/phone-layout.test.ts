import { expect, test, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import type { PublicRules } from '$lib/realtime/poll';
import { makeReceipt } from '$lib/receipt';
import { join, login, postForm } from '../helpers/http';
import { demoInvitationPaths } from '../helpers/server';
import { ok, socketPool } from '../helpers/sockets';

/**
 * Every page a resident uses, on a 360×740 phone, in normal mode and in 长辈版: nothing scrolls
 * sideways, no text breaks one character per line (radio labels, table headers), a radio sits with
 * its label, and every control is as large as the mode promises (44×44 everywhere; in 长辈版 the
 * ballot's options and the meeting's main actions 60×60, src/app.css's [data-elder] section). In
 * 长辈版 the open poll's question and first option are on the first screen.
 *
 * The file makes its own meeting, polls, resolution, follow-up and proposal over HTTP and sockets.
 */
test.use({ locale: 'zh-CN' });

const PHONE = { width: 360, height: 740 };
const MODES = [
	{ name: 'normal', elder: false },
	{ name: 'elder', elder: true }
] as const;
const run = Date.now().toString(36).slice(-5);
/** An unbroken run of Latin letters and digits, the way a pasted link or code arrives. */
const LONG_TITLE = `门禁维修报价单编号${run}`.padEnd(80, 'ABCDEFGHIJ0123456789').slice(0, 80);
const QUESTION = `是否同意在1栋楼道加装感应灯并由公共收益支付电费 ${run}`;
const OPTIONS = ['由公共收益支付全部电费', '各户平均分摊电费', '暂不加装，下季度再议'];
const RULES: PublicRules = {
	votingUnit: 'household',
	whoMayVote: 'eligible',
	quorum: { num: 0, den: 1, strict: false },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};
const POLLS = [
	{ type: 'yesNoAbstain' as const },
	{ type: 'single' as const, options: OPTIONS },
	{ type: 'multi' as const, options: OPTIONS, maxChoices: 2 }
];

let baseUrl: string;
let residentCookie: string;
let facilitator: Socket;
let meetingId: number;
let resolutionPath: string;
let followUpPath: string;
let proposalPath: string;
const pool = socketPool(() => baseUrl);

test.beforeAll(async ({ browser }) => {
	baseUrl = process.env.E2E_BASE_URL!;
	const cookie = await login(baseUrl, 'facilitator');
	const invitations = demoInvitationPaths(process.env.E2E_SERVER_OUTPUT ?? '');
	residentCookie = (await join(baseUrl, invitations[0])).cookie!;
	expect(residentCookie).toBeTruthy();

	const html = await (await fetch(`${baseUrl}/meetings/new`, { headers: { cookie } })).text();
	const scope = html.match(/<option value="(building:\d+)"[^>]*>富春小区 1栋<\/option>/)![1];
	const res = await postForm(
		`${baseUrl}/meetings/new`,
		{
			title: `1栋手机版面检查 ${run}`,
			scope,
			startsAt: '2026-12-21T19:30',
			place: '1栋楼下',
			votingUnit: 'household',
			isPublic: 'on'
		},
		cookie
	);
	meetingId = Number(res.headers.get('location')!.split('/').pop());
	facilitator = await pool.connected(cookie);
	await ok(facilitator, 'meeting:join', { meetingId, as: 'console' });
	await ok(facilitator, 'meeting:open', { meetingId });

	// A passed resolution (one ballot, no quorum asked) and its follow-up, put in its rating round.
	const { pollId } = await ok<{ pollId: number }>(facilitator, 'poll:open', {
		meetingId,
		agendaItemId: null,
		question: QUESTION,
		type: 'yesNoAbstain',
		rules: RULES,
		durationSeconds: null
	});
	// Ballots by four channels, so the resolution's tally has a column for each: her phone, a
	// neighbour's plain form, a ballot cast with help, and a show of hands.
	const phone = await pool.connected(residentCookie);
	const { me } = await ok<{ me: { residentId: number } }>(phone, 'meeting:join', { meetingId, as: 'phone' });
	await ok(phone, 'ballot:cast', {
		pollId,
		ballotId: crypto.randomUUID(),
		receipt: makeReceipt(),
		choices: ['yes']
	});
	const neighbour = (await join(baseUrl, invitations[1])).cookie!;
	const { me: them } = await ok<{ me: { residentId: number } }>(
		await pool.connected(neighbour),
		'meeting:join',
		{
			meetingId,
			as: 'phone'
		}
	);
	const form = await postForm(`${baseUrl}/m/${meetingId}/poll/${pollId}?/cast`, { choice: 'no' }, neighbour);
	expect(form.status).toBeLessThan(400);
	const db = new Database(process.env.E2E_DB_PATH!);
	const others = (
		db
			.prepare(
				"SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id JOIN building b ON b.id = h.building_id WHERE b.name = '1栋' ORDER BY h.id, r.id"
			)
			.all() as Array<{ id: number }>
	)
		.map((r) => r.id)
		.filter((id) => id !== me.residentId && id !== them.residentId);
	for (const residentId of others.slice(0, 3))
		await ok(facilitator, 'attendance:mark', { meetingId, residentId, present: true });
	await ok(facilitator, 'ballot:assist', {
		pollId,
		residentId: others[0],
		choices: ['yes'],
		consentNote: '本人口头同意，邻居代为点选',
		ballotId: crypto.randomUUID(),
		receipt: makeReceipt()
	});
	await ok(facilitator, 'hands:set', { pollId, counts: { yes: 1 } });
	const { resolutionId } = await ok<{ resolutionId: number }>(facilitator, 'poll:close', { pollId });
	resolutionPath = `/resolutions/${resolutionId}`;
	const fu = db.prepare('SELECT id FROM follow_up WHERE resolution_id = ?').get(resolutionId) as {
		id: number;
	};
	db.prepare(
		"UPDATE follow_up SET status = 'done', percent = 100, round = 1, rating_closes_at = ? WHERE id = ?"
	).run(Date.now() + 7 * 86_400_000, fu.id);
	db.close();
	followUpPath = `/followups/${fu.id}`;

	// A proposal with a long unbroken title, typed on the phone.
	const ctx = await phoneContext(browser, false);
	const page = await ctx.newPage();
	await page.goto('/proposals/new', { waitUntil: 'networkidle' });
	await page.getByLabel('标题').fill(LONG_TITLE);
	await page.getByLabel('详细说明').fill(`报价单见 ${LONG_TITLE}，请物业核实。`);
	await page.getByRole('button', { name: '提交' }).click();
	await expect(page).toHaveURL(/\/proposals\/\d+$/);
	proposalPath = new URL(page.url()).pathname;
	await ctx.close();
});
test.afterAll(() => pool.closeAll());

async function phoneContext(browser: Browser, elder: boolean) {
	const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
	const [name, value] = residentCookie.split('=');
	await ctx.addCookies([
		{ name, value, url: baseUrl },
		...(elder ? [{ name: 'yizhan_elder', value: '1', url: baseUrl }] : [])
	]);
	return ctx;
}

/**
 * What is wrong with the page's layout, one line each: sideways scrolling, text broken one
 * character per line, radios apart from their labels, and controls smaller than the mode promises.
 */
function layoutFaults(page: Page, elder: boolean) {
	return page.evaluate((elder) => {
		const out: string[] = [];
		const doc = document.documentElement;
		if (doc.scrollWidth > doc.clientWidth) out.push(`scrollWidth ${doc.scrollWidth} > ${doc.clientWidth}`);
		const name = (el: Element) =>
			`${el.tagName.toLowerCase()}${[...el.classList].filter((c) => !c.startsWith('svelte-')).map((c) => '.' + c)[0] ?? ''} “${(el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 14)}”`;
		const visible = (el: Element) => {
			const r = el.getBoundingClientRect();
			return (
				r.width > 0 &&
				r.height > 0 &&
				getComputedStyle(el).visibility !== 'hidden' &&
				!el.closest('.visually-hidden, .skip')
			);
		};
		// Each run of text on its own: a word or a header squeezed to one character per line.
		const walker = document.createTreeWalker(
			document.querySelector('main') ?? document.body,
			NodeFilter.SHOW_TEXT
		);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const chars = (node.textContent ?? '').replace(/\s+/g, '').length;
			const parent = node.parentElement;
			if (chars < 2 || !parent || !visible(parent)) continue;
			const range = document.createRange();
			range.selectNodeContents(node);
			const rects = [...range.getClientRects()].filter((r) => r.width > 0);
			const n = new Set(rects.map((r) => Math.round(r.top))).size;
			if (n >= 2 && chars / n < 2)
				out.push(`${name(parent)} breaks into ${n} lines of ${(chars / n).toFixed(1)} characters`);
		}
		for (const input of document.querySelectorAll('main input[type="radio"], main input[type="checkbox"]')) {
			const label = input.closest('label');
			if (!label || !visible(label)) continue;
			const i = input.getBoundingClientRect();
			const l = label.getBoundingClientRect();
			if (i.width > 48 || i.top < l.top - 1 || i.bottom > l.bottom + 1)
				out.push(
					`${name(label)}: its ${(input as HTMLInputElement).type} (${Math.round(i.width)}×${Math.round(i.height)}) floats apart from the label`
				);
		}
		const primary = new Set(
			[
				...document.querySelectorAll(
					'section.poll-card label.option, section.poll-card button[type="submit"], section.actions button'
				)
			].filter(visible)
		);
		const controls = [
			...document.querySelectorAll(
				'body button, body a.button, body summary, body select, body textarea, body input:not([type="radio"]):not([type="checkbox"]):not([type="hidden"]), body label:has(> input[type="radio"]), body label:has(> input[type="checkbox"]), header a'
			)
		].filter(visible);
		for (const el of controls) {
			const min = elder && primary.has(el) ? 60 : 44;
			const r = el.getBoundingClientRect();
			if (r.width < min - 0.5 || r.height < min - 0.5)
				out.push(`${name(el)} ${Math.round(r.width)}×${Math.round(r.height)} < ${min}×${min}`);
		}
		return out;
	}, elder);
}

/** For looking while fixing: LAYOUT_SHOTS=dir saves each page checked. */
async function shot(page: Page, what: string, elder: boolean) {
	const dir = process.env.LAYOUT_SHOTS;
	if (dir)
		await page.screenshot({
			path: `${dir}/${elder ? 'elder' : 'normal'}${what.replace(/[^a-z0-9]+/gi, '-')}.png`,
			fullPage: true
		});
}

async function check(page: Page, path: string, elder: boolean) {
	const res = await page.goto(path, { waitUntil: 'networkidle' });
	expect(res?.status(), path).toBeLessThan(400);
	await expect(page.locator('h1').first()).toBeVisible();
	await shot(page, path, elder);
	expect.soft(await layoutFaults(page, elder), `${path} at 360×740`).toEqual([]);
}

for (const mode of MODES) {
	test(`a resident's pages fit a 360-px phone (${mode.name})`, async ({ browser }) => {
		const ctx = await phoneContext(browser, mode.elder);
		const page = await ctx.newPage();
		for (const path of [
			'/',
			'/meetings',
			'/proposals',
			proposalPath,
			'/proposals/new',
			resolutionPath,
			'/followups',
			followUpPath,
			`/meetings/${meetingId}/minutes`,
			'/notice/1',
			'/rules',
			'/rules/published',
			'/settings',
			'/help',
			'/help/resident',
			'/help/facilitator'
		])
			await check(page, path, mode.elder);
		// The follow-up's rating form is there to be checked.
		await page.goto(followUpPath);
		await expect(page.getByRole('radio', { name: '满意', exact: true })).toBeVisible();
		await ctx.close();
	});

	test(`the ballot of each poll type fits a 360-px phone (${mode.name})`, async ({ browser }) => {
		const ctx = await phoneContext(browser, mode.elder);
		const page = await ctx.newPage();
		for (const poll of POLLS) {
			const { pollId } = await ok<{ pollId: number }>(facilitator, 'poll:open', {
				meetingId,
				agendaItemId: null,
				question: QUESTION,
				rules: RULES,
				durationSeconds: null,
				...poll
			});
			await page.goto(`/m/${meetingId}`);
			await expect(page.getByText('已连接')).toBeVisible();
			const card = page.locator('section.poll-card');
			await expect(card.getByRole('heading', { name: QUESTION })).toBeVisible();
			await shot(page, `/meeting-${poll.type}`, mode.elder);
			expect
				.soft(await layoutFaults(page, mode.elder), `${poll.type} ballot on the meeting page`)
				.toEqual([]);
			// The question and the first option are on the first screen, without scrolling.
			const first = card.locator('label.option').first();
			const bottom = await first.evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
			expect
				.soft(bottom, `${poll.type}: the first option ends at ${bottom}px`)
				.toBeLessThanOrEqual(PHONE.height);
			// The ballot's own page (for phones without JavaScript).
			await check(page, `/m/${meetingId}/poll/${pollId}`, mode.elder);
			await ok(facilitator, 'poll:close', { pollId });
		}
		await ctx.close();
	});
}

test('without JavaScript the meeting page says nothing about connecting and shows her check-in', async ({
	browser
}) => {
	const phone = await pool.connected(residentCookie);
	const { me } = await ok<{ me: { residentId: number } }>(phone, 'meeting:join', { meetingId, as: 'phone' });
	await ok(facilitator, 'attendance:mark', { meetingId, residentId: me.residentId, present: true });
	const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', javaScriptEnabled: false });
	const [name, value] = residentCookie.split('=');
	await ctx.addCookies([{ name, value, url: baseUrl }]);
	const page = await ctx.newPage();
	await page.goto(`/m/${meetingId}`);
	await expect(page.locator('h1')).toBeVisible();
	const said = await page.locator('main').innerText();
	expect(said, 'a page that runs no script never connects').not.toContain('正在连接');
	await expect(page.getByText('已签到')).toBeVisible();
	await expect(page.getByRole('button', { name: '签到' })).toHaveCount(0);
	await ctx.close();
});
