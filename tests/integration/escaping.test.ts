/**
 * Text with HTML, script, `javascript:` URLs and spreadsheet formulas in every user-writable field
 * renders escaped everywhere: the SSR pages (phone, console, projector, print,
 * notice board, admin), and the exports (ballots.csv with formulas neutralized, minutes.md). The text
 * goes in the way users put it in: the roster CSV import over HTTP, agenda and rules through Yjs,
 * polls and ballots over Socket.IO, the rest through the domain functions the form actions call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { openDatabase, type Db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { fileProposal } from '$lib/server/domain/proposals';
import { assignFollowUp, reportProgress } from '$lib/server/domain/follow-ups';
import { liaisonStep, sendDispatch } from '$lib/server/domain/dispatches';
import { saveSummary } from '$lib/server/domain/minutes';
import { createSession, generateSessionToken } from '$lib/server/session';
import { addItem } from '$lib/agenda';
import type { MeetingState } from '$lib/realtime/meeting';
import { startServer, type TestServer } from '../helpers/server';
import { residentsOf } from '../helpers/residents';
import { ok, socketPool } from '../helpers/sockets';
import { providerFor, synced } from '../helpers/yjs';
import { writeDraft } from '../helpers/rules-draft';
import { ballotIds } from '../helpers/ballot-ids';
import { postForm } from '../helpers/http';
import { DEFAULT_RULES } from '$lib/server/domain/tally';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const JS_URL = 'javascript:alert(1)';
const FORMULA = '=HYPERLINK("http://evil.example","x")';
/** What must never appear in a page as markup. */
const LIVE = [SCRIPT, '<img src=x onerror', 'href="javascript:', "href='javascript:"];
/** A field's text: a marker (to find it again), a script tag and an attribute breakout. */
const evil = (field: string) => `${field}${SCRIPT}${IMG}`;

let server: TestServer;
let db: Db;
const pool = socketPool(() => server.url);
const cookie: Record<string, string> = {};
const ids = { meeting: 0, proposal: 0, resolution: 0, followUp: 0, dispatch: 0, building: 0, code: '' };

function staffCookie(username: string) {
	const token = generateSessionToken();
	createSession(db, token, db.select().from(user).where(eq(user.username, username)).get()!.id);
	return `yizhan_session=${token}`;
}
const actorOf = (username: string) =>
	loadActor(db, db.select().from(user).where(eq(user.username, username)).get()!);

async function editDoc(docName: string, who: string, edit: (doc: Y.Doc) => void) {
	const doc = new Y.Doc();
	const provider = providerFor(server.url, docName, cookie[who], doc);
	await synced(provider);
	edit(doc);
	const rows = () =>
		(
			db.$client.prepare('select count(*) as n from yjs_update where doc_name = ?').get(docName) as {
				n: number;
			}
		).n;
	for (let i = 0; i < 100 && rows() === 0; i++) await new Promise((r) => setTimeout(r, 50));
	provider.destroy();
}

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	for (const u of ['admin', 'facilitator', 'committee', 'liaison']) cookie[u] = staffCookie(u);

	// Roster names through the CSV import form, as an office's Excel sheet would carry them.
	const csv =
		'小区,楼栋,门牌,姓名,出生年份\n' +
		`富春小区,九栋,101,"${SCRIPT.replace(/"/g, '""')}",1960\n` +
		`富春小区,九栋,102,"${FORMULA.replace(/"/g, '""')}",1961\n`;
	const form = new FormData();
	form.append('file', new Blob([csv]), 'roster.csv');
	const imported = await fetch(`${server.url}/admin/import`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: server.url, cookie: cookie.admin },
		body: form
	});
	expect(imported.status).toBeLessThan(400);
	const people = db.$client
		.prepare(
			`select r.id, r.name, b.id as buildingId from resident r join household h on h.id = r.household_id
			 join building b on b.id = h.building_id where b.name = '九栋' order by r.id`
		)
		.all() as Array<{ id: number; name: string; buildingId: number }>;
	expect(people.map((p) => p.name)).toEqual([SCRIPT, FORMULA]);
	ids.building = people[0].buildingId;
	const { cookieFor } = residentsOf(() => db);
	const phones = people.map((p) => ({ ...p, cookie: cookieFor(p.id) }));
	cookie.resident = phones[0].cookie;

	ids.meeting = createMeeting(db, actorOf('facilitator'), {
		title: evil('会议标题'),
		scopeType: 'building',
		scopeId: ids.building,
		startsAt: new Date(),
		place: evil('地点'),
		votingUnit: 'household',
		isPublic: true
	});
	ids.code = getMeeting(db, ids.meeting).joinCode;
	ids.proposal = fileProposal(
		db,
		loadActor(db, db.select().from(user).where(eq(user.residentId, people[0].id)).get()!),
		{
			title: evil('提议标题').slice(0, 80),
			description: `${evil('提议内容')} ${JS_URL} ${FORMULA}`,
			category: 'facilities',
			about: { type: 'building', id: ids.building }
		}
	);

	// The agenda, co-edited: an item whose title and notes carry the payloads.
	let itemId = '';
	await editDoc(`meeting:${ids.meeting}:agenda`, 'facilitator', (doc) => {
		itemId = addItem(doc, { title: evil('议题'), notes: `${evil('议题备注')} ${JS_URL}` });
	});

	// Live: the item on screen, a named poll with hostile question and options, both households vote.
	const console_ = await pool.connected(cookie.facilitator);
	await ok(console_, 'meeting:join', { meetingId: ids.meeting, as: 'console' });
	await ok(console_, 'meeting:open', { meetingId: ids.meeting });
	await ok(console_, 'item:setCurrent', { meetingId: ids.meeting, itemId });
	const { pollId } = await ok<{ pollId: number }>(console_, 'poll:open', {
		meetingId: ids.meeting,
		agendaItemId: itemId,
		question: evil('表决问题'),
		type: 'single',
		options: [SCRIPT, FORMULA, IMG],
		rules: DEFAULT_RULES,
		durationSeconds: null
	});
	const next = ballotIds('escaping');
	for (const p of phones) {
		const phone = await pool.connected(p.cookie);
		const { state } = await ok<{ state: MeetingState }>(phone, 'meeting:join', {
			meetingId: ids.meeting,
			as: 'phone'
		});
		await ok(phone, 'attendance:checkIn', { meetingId: ids.meeting, code: ids.code });
		const option = state.polls.find((x) => x.id === pollId)!.options[0].id;
		await ok(phone, 'ballot:cast', { pollId, ...next(), choices: [option] });
	}
	ids.resolution = (await ok<{ resolutionId: number }>(console_, 'poll:close', { pollId })).resolutionId;
	pool.closeAll();

	// Follow-up, dispatch and minutes through the domain functions their forms call.
	ids.followUp = (
		db.$client.prepare('select id from follow_up where resolution_id = ?').get(ids.resolution) as {
			id: number;
		}
	).id;
	const facilitatorId = db.select().from(user).where(eq(user.username, 'facilitator')).get()!.id;
	assignFollowUp(db, actorOf('facilitator'), {
		followUpId: ids.followUp,
		ownerUserId: facilitatorId,
		ownerDepartmentId: null,
		dueOn: '2030-01-01'
	});
	reportProgress(db, actorOf('facilitator'), {
		followUpId: ids.followUp,
		text: `${evil('进展')} ${JS_URL}`,
		percent: 50,
		done: false
	});
	const departmentId = (
		db.$client
			.prepare(`select scope_id as d from role_assignment where role = 'departmentLiaison' limit 1`)
			.get() as { d: number }
	).d;
	ids.dispatch = sendDispatch(db, actorOf('facilitator'), {
		departmentId,
		resolutionId: ids.resolution,
		message: evil('派单内容'),
		deadline: new Date(Date.now() + 7 * 86_400_000)
	});
	liaisonStep(db, actorOf('liaison'), { dispatchId: ids.dispatch, step: 'reply', text: evil('部门答复') });
	saveSummary(db, actorOf('facilitator'), ids.meeting, `${evil('纪要')}\n${FORMULA}\n# 标题`);

	// Village rules through Yjs, then a suggestion on a clause through the comments form.
	await editDoc('rules:1', 'committee', (doc) => writeDraft(doc, evil('村规标题'), [evil('条款'), '第二条']));
	const commented = await postForm(
		`${server.url}/rules/comments?/add`,
		{ clauseId: 'c1', kind: 'suggestion', body: evil('意见'), suggestion: evil('建议文本') },
		cookie.committee
	);
	expect(commented.status).toBeLessThan(400);
}, 60_000);

afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
});

/** Every marker that made it into some page, escaped: proves the fields were rendered at all. */
const rendered = new Set<string>();

async function page(path: string, who?: string) {
	const res = await fetch(server.url + path, {
		redirect: 'manual',
		headers: who ? { cookie: cookie[who] } : {}
	});
	const text = await res.text();
	return { status: res.status, text, type: res.headers.get('content-type') ?? '' };
}

function expectEscaped(path: string, html: string) {
	for (const live of LIVE) expect(html, `${path} contains ${live}`).not.toContain(live);
	for (const m of html.matchAll(
		/([\u4e00-\u9fff]{2,6})&lt;script(?:&gt;|>)alert\(1\)&lt;\/script(?:&gt;|>)/g
	))
		rendered.add(m[1]);
	// Hydration data carries the same strings inside a <script>: they must be escaped there too.
	expect(html).not.toMatch(/<\/script>[^<]*alert/);
}

describe('user text renders escaped', () => {
	const pages: Array<[string, string | undefined]> = [
		['/proposals', 'resident'],
		['/proposals/{proposal}', 'resident'],
		['/proposals/{proposal}', 'facilitator'],
		['/meetings', 'facilitator'],
		['/meetings/{meeting}', 'facilitator'],
		['/m/{meeting}', 'resident'],
		['/m/{meeting}/console', 'facilitator'],
		['/m/{meeting}/screen?code={code}', undefined],
		['/meetings/{meeting}/minutes', 'facilitator'],
		['/meetings/{meeting}/minutes?print=1', 'resident'],
		['/resolutions/{resolution}', undefined],
		['/followups', 'facilitator'],
		['/followups/{followUp}', 'resident'],
		['/dispatches', 'liaison'],
		['/dispatches/{dispatch}', 'facilitator'],
		['/notice/1', undefined],
		['/rules', 'committee'],
		['/rules/comments', 'committee'],
		['/rules/versions', 'committee'],
		['/admin/households?building={building}', 'admin'],
		['/admin/invitations?building={building}', 'admin'],
		['/dashboard', 'admin'],
		['/', 'resident']
	];
	for (const [pattern, who] of pages)
		it(`${pattern} as ${who ?? 'nobody'}`, async () => {
			const path = pattern.replace(/\{(\w+)\}/g, (_, k: keyof typeof ids) => String(ids[k]));
			const res = await page(path, who);
			expect(res.status, path).toBeLessThan(400);
			expectEscaped(path, res.text);
		});

	it('rendered every field somewhere, so the checks above looked at real text', () => {
		for (const field of [
			'会议标题',
			'提议标题',
			'提议内容',
			'议题',
			'议题备注',
			'表决问题',
			'进展',
			'派单内容',
			'部门答复',
			'纪要',
			'意见'
		])
			expect([...rendered], field).toContain(field);
	});

	it('the projector page hands the current item and its notes to the browser escaped', async () => {
		// The projector draws the agenda in the browser (tests/e2e/escaping.test.ts watches for a dialog);
		// the server's part is the hydration data, where `<` must travel as \u003C.
		const res = await page(`/m/${ids.meeting}/screen?code=${ids.code}`);
		expect(res.text).toContain('议题\\u003Cscript>alert(1)');
		expect(res.text).toContain('议题备注\\u003Cscript>alert(1)');
	});

	it('ballots.csv neutralizes formulas in names and options', async () => {
		const res = await page(`/meetings/${ids.meeting}/minutes/ballots.csv`, 'facilitator');
		expect(res.status).toBe(200);
		const cells = res.text
			.replace(/^\uFEFF/, '')
			.split(/\r?\n/)
			.flatMap((line) => line.match(/"(?:[^"]|"")*"|[^,]+/g) ?? [])
			.map((c) => (c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c));
		expect(cells.some((c) => c.includes('HYPERLINK'))).toBe(true);
		for (const c of cells) expect(c, c).not.toMatch(/^[=+\-@\t\r]/);
	});

	it('minutes.md carries no live markup', async () => {
		const res = await page(`/meetings/${ids.meeting}/minutes/minutes.md`, 'facilitator');
		expect(res.status).toBe(200);
		expect(res.text).toContain('纪要');
		// Markdown renders `\<` as a literal `<`: every angle bracket of user text must come escaped.
		expect(res.text).toContain('\\<script\\>');
		expect(res.text).not.toMatch(/(?<!\\)<(script|img|svg|\/script)/);
	});
});
