import { expect, test, type Page } from '@playwright/test';
import type { Socket } from 'socket.io-client';
import type { PublicRules } from '$lib/realtime/poll';
import { login, postForm } from '../helpers/http';
import { ok, request, socketPool } from '../helpers/sockets';

/**
 * The projector fits its screen for every kind of poll: each poll type, each legal preset (with the
 * 业主大会 headcount and floor-area tallies), long option labels and a 60-character question, open and
 * closed, at 1920×1080 and on an older 1280×720 projector. Nothing may lie outside the screen, be cut
 * off inside a box that hides its overflow, or make the page scroll.
 *
 * Meetings and polls are made over HTTP and the facilitator's socket (not the console's forms), so
 * the file stays quick; each case has its own meeting, so it depends on no other file's data.
 */
test.use({ locale: 'zh-CN' });

const SCREENS = [
	{ width: 1920, height: 1080 },
	{ width: 1280, height: 720 }
];
const run = Date.now().toString(36).slice(-5);
/** Sixty characters, the longest question a facilitator is likely to type on the console. */
const LONG_QUESTION = `是否同意使用公共维修资金更换2栋全部老旧电梯并同步改造消防通道与地下车库照明设施${run}`
	.padEnd(60, '议')
	.slice(0, 60);
const LONG_OPTIONS = [
	'同意由业主委员会公开招标选聘新的物业服务企业并签订三年合同',
	'同意继续聘用现物业服务企业，但物业费维持现有标准不变',
	'暂不决定，先由业主委员会组织两次公开听证会后再表决',
	'其他意见'
];

const BASE_RULES: PublicRules = {
	votingUnit: 'household',
	whoMayVote: 'eligible',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};

type Case = {
	name: string;
	body: string;
	scope: RegExp;
	type: 'yesNoAbstain' | 'single' | 'multi';
	question: string;
	options?: string[];
	maxChoices?: number;
	preset?: { id: string; base: string; matter?: number };
};

const CASES: Case[] = [
	{
		name: '赞成/反对/弃权, 60-character question',
		body: 'buildingCouncil',
		scope: /1栋/,
		type: 'yesNoAbstain',
		question: LONG_QUESTION
	},
	{
		name: 'single choice, long labels',
		body: 'buildingCouncil',
		scope: /1栋/,
		type: 'single',
		question: LONG_QUESTION,
		options: LONG_OPTIONS
	},
	{
		name: 'multiple choice, long labels',
		body: 'buildingCouncil',
		scope: /1栋/,
		type: 'multi',
		question: LONG_QUESTION,
		options: LONG_OPTIONS,
		maxChoices: 2
	},
	{
		name: '居民会议 preset',
		body: 'residentAssembly',
		scope: /湖畔社区/,
		type: 'yesNoAbstain',
		question: LONG_QUESTION,
		preset: { id: 'residentAssembly', base: 'households' }
	},
	{
		name: '村民会议 preset',
		body: 'villagerAssembly',
		scope: /湖畔社区/,
		type: 'yesNoAbstain',
		question: LONG_QUESTION,
		preset: { id: 'villagerAssembly', base: 'adults' }
	},
	{
		name: '村民小组会议 preset',
		body: 'villagerGroup',
		scope: /湖畔社区/,
		type: 'yesNoAbstain',
		question: LONG_QUESTION,
		preset: { id: 'villagerGroup', base: 'households' }
	},
	{
		name: '村民代表会议 preset',
		body: 'villagerRepresentatives',
		scope: /湖畔社区/,
		type: 'yesNoAbstain',
		question: LONG_QUESTION,
		preset: { id: 'villagerRepresentatives', base: 'representatives' }
	},
	{
		name: '选举村民委员会 preset',
		body: 'villageElection',
		scope: /湖畔社区/,
		type: 'multi',
		question: LONG_QUESTION,
		options: LONG_OPTIONS,
		maxChoices: 2,
		preset: { id: 'villageElection', base: 'adults' }
	},
	{
		name: '业主大会 ordinary matter, dual tally, long labels',
		body: 'ownersAssembly',
		scope: /2栋/,
		type: 'single',
		question: LONG_QUESTION,
		options: LONG_OPTIONS,
		preset: { id: 'ownersOrdinary', base: 'owners', matter: 4 }
	},
	{
		name: '业主大会 special matter, dual tally',
		body: 'ownersAssembly',
		scope: /2栋/,
		type: 'yesNoAbstain',
		question: LONG_QUESTION,
		preset: { id: 'ownersSpecial', base: 'owners', matter: 6 }
	}
];

let baseUrl: string;
let cookie: string;
let places: Array<{ value: string; label: string }>;
const pool = socketPool(() => baseUrl);
let facilitator: Socket;

test.beforeAll(async () => {
	baseUrl = process.env.E2E_BASE_URL!;
	cookie = await login(baseUrl, 'facilitator');
	const html = await (await fetch(`${baseUrl}/meetings/new`, { headers: { cookie } })).text();
	places = [
		...html.matchAll(/<option value="((?:building|community|village|group):\d+)"[^>]*>([^<]+)<\/option>/g)
	].map((m) => ({ value: m[1], label: m[2].trim() }));
	expect(places.length).toBeGreaterThan(0);
	facilitator = await pool.connected(cookie);
});
test.afterAll(() => pool.closeAll());

/** A started public meeting of the given body; its id and the projector's path (with the join code). */
async function startMeeting(c: Case) {
	const place = places.find((p) => c.scope.test(p.label));
	expect(place, `a place matching ${c.scope} among ${places.map((p) => p.label).join(', ')}`).toBeTruthy();
	const res = await postForm(
		`${baseUrl}/meetings/new`,
		{
			title: `投影检查 ${c.name} ${run}`,
			scope: place!.value,
			startsAt: '2026-12-20T19:30',
			place: '活动室',
			votingUnit: 'household',
			body: c.body,
			isPublic: 'on'
		},
		cookie
	);
	const location = res.headers.get('location') ?? '';
	expect(location, `creating a ${c.body} meeting`).toMatch(/^\/meetings\/\d+$/);
	const meetingId = Number(location.split('/').pop());
	await ok(facilitator, 'meeting:join', { meetingId, as: 'console' });
	await ok(facilitator, 'meeting:open', { meetingId });
	const consoleHtml = await (
		await fetch(`${baseUrl}/m/${meetingId}/console`, { headers: { cookie } })
	).text();
	const screenPath = consoleHtml.match(/href="(\/m\/\d+\/screen\?code=[a-z2-7]+)"/)![1];
	return { meetingId, screenPath };
}

async function openPoll(meetingId: number, c: Case) {
	const res = await request<{ pollId: number }>(facilitator, 'poll:open', {
		meetingId,
		agendaItemId: null,
		question: c.question,
		type: c.type,
		...(c.options ? { options: c.options } : {}),
		...(c.maxChoices ? { maxChoices: c.maxChoices } : {}),
		rules: { ...BASE_RULES, ...(c.preset ? { preset: c.preset } : {}) },
		durationSeconds: null
	});
	if (!res.ok) throw new Error(`poll:open for ${c.name} refused: ${res.error.code} ${res.error.message}`);
	return res.data.pollId;
}

/**
 * What does not fit: the page scrolling either way, any visible element of the screen reaching past
 * an edge, and any box that hides its overflow (a clamped question, a column) holding more than it shows.
 */
function misfits(page: Page) {
	return page.evaluate(() => {
		const W = window.innerWidth;
		const H = window.innerHeight;
		const doc = document.documentElement;
		const out: string[] = [];
		if (doc.scrollWidth > doc.clientWidth)
			out.push(`page scrollWidth ${doc.scrollWidth} > ${doc.clientWidth}`);
		if (doc.scrollHeight > doc.clientHeight)
			out.push(`page scrollHeight ${doc.scrollHeight} > ${doc.clientHeight}`);
		const name = (el: Element) =>
			`${el.tagName.toLowerCase()}${
				el.className
					? '.' +
						String(el.className)
							.trim()
							.split(/\s+/)
							.filter((c) => !c.startsWith('svelte-'))[0]
					: ''
			} “${(el.textContent ?? '').trim().slice(0, 16)}”`;
		for (const el of document.querySelectorAll('.screen *')) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
			if (el.closest('.visually-hidden')) continue;
			if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
				out.push(
					`${name(el)} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} outside ${W}×${H}`
				);
			const s = getComputedStyle(el);
			if ((s.overflowY === 'hidden' || s.overflowY === 'clip') && el.scrollHeight > el.clientHeight + 1)
				out.push(`${name(el)} hides ${el.scrollHeight - el.clientHeight}px of its content`);
		}
		return out;
	});
}

for (const c of CASES) {
	test(`the projector fits ${c.name}, open and closed, at 1920×1080 and 1280×720`, async ({ browser }) => {
		const { meetingId, screenPath } = await startMeeting(c);
		const pollId = await openPoll(meetingId, c);
		const ctx = await browser.newContext({ viewport: SCREENS[0], locale: 'zh-CN' });
		const page = await ctx.newPage();
		await page.goto(screenPath);
		await expect(page.locator('.screen h1')).toContainText(c.question.slice(0, 20));
		await expect(page.getByText('已连接')).toBeVisible();
		const check = async (state: string) => {
			for (const size of SCREENS) {
				await page.setViewportSize(size);
				if (process.env.LAYOUT_SHOTS)
					await page.screenshot({
						path: `${process.env.LAYOUT_SHOTS}/projector-${c.preset?.id ?? c.type}-${state}-${size.width}.png`
					});
				await expect
					.poll(() => misfits(page), { message: `${state} at ${size.width}×${size.height}`, timeout: 3_000 })
					.toEqual([]);
			}
		};
		await check('open');
		await ok(facilitator, 'poll:close', { pollId });
		await expect(page.locator('.outcome')).toBeVisible();
		if (c.preset?.base === 'owners')
			await expect(page.getByTestId('area-tally')).toContainText('人数和面积两项都达到才通过');
		await check('closed');
		await ctx.close();
	});
}
