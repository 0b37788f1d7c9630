import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { addItem } from '$lib/agenda';
import { meeting, minutes, minutesSignature, resident, resolution } from '$lib/server/db/schema';
import { checkIn, giveFloor, markAttendance, raiseHand } from '$lib/server/domain/attendance';
import { castBallot } from '$lib/server/domain/ballots';
import { agendaDocName, closeMeeting, getMeeting } from '$lib/server/domain/meetings';
import { getMinutes, minutesHash, saveSummary, signMinutes } from '$lib/server/domain/minutes';
import { generateMinutes } from '$lib/server/domain/minutes-content';
import { csvCell, toCsv } from '$lib/server/exports/csv';
import { ballotsCsv, toMarkdown } from '$lib/server/exports/minutes-export';
import { openPoll } from '$lib/server/domain/polls';
import { closePoll } from '$lib/server/domain/resolutions';
import { DEFAULT_RULES } from '$lib/server/domain/tally';

import { demoDb, openDemoMeeting, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 2, 14, 11);
let n = 0;
/** A fresh ballot id and receipt as a phone makes them (n written in the receipt alphabet). */
const ballot = () => {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	let x = ++n;
	let receipt = '';
	for (let i = 0; i < 10; i++, x = Math.floor(x / alphabet.length)) receipt += alphabet[x % alphabet.length];
	return { ballotId: `ballot-${n}-xxxxxxxx`, receipt };
};

/**
 * A 1栋 meeting as it happens: an item with notes, three phones and one marked present, two hands
 * (one got the floor), a named yes/no poll closed into its resolution; optionally closed.
 */
async function heldMeeting({ close = true } = {}) {
	const { db, docs, f, meetingId } = await openDemoMeeting(T0);
	const r = [0, 1, 2, 3, 4].map((i) => residentActor(db, '1栋', i));
	let itemId = '';
	docs.change(agendaDocName(meetingId), (doc) => {
		itemId = addItem(doc, { title: '加装电梯', minutes: 20, notes: '三楼以上住户同意分摊。\n一楼有顾虑。' });
	});
	const code = getMeeting(db, meetingId).joinCode;
	for (const a of r.slice(0, 3)) checkIn(db, a, meetingId, code, T0);
	markAttendance(db, f, meetingId, r[3].residentId!, true, T0);
	const first = raiseHand(db, r[1], meetingId, T0 + 1);
	raiseHand(db, r[0], meetingId, T0 + 2);
	giveFloor(db, f, meetingId, first, T0 + 3);
	const pollId = openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: itemId,
			question: '是否加装电梯？',
			type: 'yesNoAbstain',
			rules: DEFAULT_RULES,
			durationSeconds: null
		},
		T0
	);
	castBallot(db, r[0], { pollId, ...ballot(), choices: ['yes'] }, T0);
	castBallot(db, r[1], { pollId, ...ballot(), choices: ['yes'] }, T0);
	castBallot(db, r[2], { pollId, ...ballot(), choices: ['no'] }, T0);
	castBallot(db, r[3], { pollId, ...ballot(), choices: ['yes'] }, T0);
	closePoll(db, f, pollId, T0 + 10);
	if (close) closeMeeting(db, docs, f, meetingId, T0 + 20);
	return { db, docs, f, r, meetingId, pollId };
}

const everything = (db: Awaited<ReturnType<typeof demoDb>>) => ({
	minutes: db.select().from(minutes).all(),
	signatures: db.select().from(minutesSignature).all()
});

describe('generating minutes', () => {
	it('lists attendance by channel, the agenda with notes, speakers in order and the poll with its resolution hash', async () => {
		const { db, docs, r, meetingId } = await heldMeeting();
		const c = generateMinutes(db, docs, meetingId);
		expect(c.meeting).toMatchObject({
			title: '1栋议事会',
			scope: { type: 'building', names: ['富春小区', '1栋'] }
		});
		expect(c.attendance).toEqual({
			present: 4,
			eligible: 6,
			quorum: true,
			byChannel: { phone: 3, marked: 1 }
		});
		expect(c.agenda).toHaveLength(1);
		expect(c.agenda[0]).toMatchObject({ title: '加装电梯', notes: '三楼以上住户同意分摊。\n一楼有顾虑。' });
		expect(c.speakers.map((s) => s.name)).toEqual([r[1].displayName, r[0].displayName]);
		const [p] = c.polls;
		const res = db.select().from(resolution).get()!;
		expect(p).toMatchObject({
			question: '是否加装电梯？',
			outcome: 'passed',
			carried: ['yes'],
			agendaItemId: c.agenda[0].id
		});
		expect(p.tally!.perOption).toMatchObject({ yes: 3, no: 1 });
		expect(p.rules).toMatchObject({ votingUnit: 'household', secret: false });
		expect(p.resolution).toEqual({ id: res.id, hash: res.hash });
		expect(c.summary).toBe('');
		expect(c.signatures).toEqual([]);
	});
});

describe('signing minutes', () => {
	it('needs a closed meeting, the facilitator first with a summary, then two residents who were present', async () => {
		const live = await heldMeeting({ close: false });
		saveSummary(live.db, live.f, live.meetingId, '同意加装电梯。');
		const before = everything(live.db);
		expect(() => signMinutes(live.db, live.docs, live.f, live.meetingId)).toThrow('MEETING_STATE');
		expect(everything(live.db)).toEqual(before);

		const { db, docs, f, r, meetingId } = await heldMeeting();
		expect(() => signMinutes(db, docs, f, meetingId)).toThrow('INVALID_INPUT'); // no summary yet
		expect(() => signMinutes(db, docs, r[0], meetingId)).toThrow('MINUTES_STATE'); // facilitator first
		expect(everything(db).signatures).toEqual([]);
		expect(() => saveSummary(db, r[0], meetingId, '我来写')).toThrow('FORBIDDEN');
		expect(() => saveSummary(db, f, meetingId, '长'.repeat(5001))).toThrow('INVALID_INPUT');
		saveSummary(db, f, meetingId, '  同意加装电梯，费用按楼层分摊。\r\n下次会议讨论一楼补偿。 ');
		expect(signMinutes(db, docs, f, meetingId, T0 + 100)).toEqual({ role: 'facilitator', status: 'draft' });

		// The summary is what the residents confirm: locked once the facilitator signed.
		expect(() => saveSummary(db, f, meetingId, '改一下')).toThrow('MINUTES_STATE');
		expect(() => signMinutes(db, docs, f, meetingId)).toThrow('ALREADY_SIGNED');
		expect(() => signMinutes(db, docs, staff(db, 'building1'), meetingId)).toThrow('ALREADY_SIGNED');
		expect(() => signMinutes(db, docs, r[4], meetingId)).toThrow('NOT_PRESENT');
		expect(() => signMinutes(db, docs, residentActor(db, '2栋', 0), meetingId)).toThrow('FORBIDDEN');
		expect(signMinutes(db, docs, r[0], meetingId, T0 + 200)).toEqual({ role: 'resident', status: 'draft' });
		expect(() => signMinutes(db, docs, r[0], meetingId)).toThrow('ALREADY_SIGNED');
		expect(getMinutes(db, docs, r[1], meetingId).sign).toEqual({ role: 'resident' });
		expect(signMinutes(db, docs, r[1], meetingId, T0 + 300)).toEqual({ role: 'resident', status: 'signed' });

		const row = db.select().from(minutes).get()!;
		expect(row).toMatchObject({
			status: 'signed',
			summary: '同意加装电梯，费用按楼层分摊。\n下次会议讨论一楼补偿。'
		});
		expect(row.signedAt!.getTime()).toBe(T0 + 300);
		const frozen = row.content as unknown as ReturnType<typeof generateMinutes>;
		expect(row.hash).toBe(minutesHash(frozen));
		expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
		expect(frozen.signatures.map((s) => [s.role, s.name])).toEqual([
			['facilitator', f.displayName],
			['resident', r[0].displayName],
			['resident', r[1].displayName]
		]);

		// Frozen: nobody else signs, the summary stays, and nothing is written by trying.
		const after = everything(db);
		expect(() => signMinutes(db, docs, r[2], meetingId)).toThrow('MINUTES_STATE');
		expect(() => signMinutes(db, docs, r[1], meetingId)).toThrow('ALREADY_SIGNED');
		expect(() => saveSummary(db, f, meetingId, '再改')).toThrow('MINUTES_STATE');
		expect(everything(db)).toEqual(after);
		expect(getMinutes(db, docs, r[2], meetingId).sign).toEqual({
			refused: 'MINUTES_STATE',
			reason: 'signed'
		});
	});

	it('shows the frozen content afterwards, and says so when the stored content no longer matches its hash', async () => {
		const { db, docs, f, r, meetingId } = await heldMeeting();
		saveSummary(db, f, meetingId, '同意。');
		for (const a of [f, r[0], r[1]]) signMinutes(db, docs, a, meetingId);
		db.update(meeting).set({ title: '改过的名字' }).where(eq(meeting.id, meetingId)).run();
		const view = getMinutes(db, docs, r[3], meetingId);
		expect(view).toMatchObject({ status: 'signed', intact: true, canEditSummary: false });
		expect(view.content.meeting.title).toBe('1栋议事会');

		const stored = db.select().from(minutes).get()!;
		const content = { ...stored.content, summary: '偷偷改过' };
		db.update(minutes).set({ content }).where(eq(minutes.id, stored.id)).run();
		expect(getMinutes(db, docs, f, meetingId).intact).toBe(false);
		// Frozen minutes of a public meeting are a public record: an outsider reads them, no resident named.
		const outsider = residentActor(db, '2栋', 0);
		const copy = getMinutes(db, docs, outsider, meetingId);
		expect(copy.publicCopy).toBe(true);
		expect(copy.content.signatures.map((s) => [s.role, s.name])).toEqual([
			['facilitator', f.displayName],
			['resident', null],
			['resident', null]
		]);
		expect(getMinutes(db, docs, null, meetingId).publicCopy).toBe(true);
		db.update(meeting).set({ isPublic: false }).where(eq(meeting.id, meetingId)).run();
		expect(() => getMinutes(db, docs, outsider, meetingId)).toThrow('FORBIDDEN');
		expect(() => getMinutes(db, docs, null, meetingId)).toThrow('UNAUTHENTICATED');
	});
});

describe('exporting minutes', () => {
	it('neutralizes spreadsheet formulas in CSV cells and quotes every cell', () => {
		expect(csvCell('=HYPERLINK("http://evil.example/?x","点我")')).toBe(
			`"'=HYPERLINK(""http://evil.example/?x"",""点我"")"`
		);
		for (const bad of ['+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])
			expect(csvCell(bad).startsWith(`"'`)).toBe(true);
		expect(csvCell('王秀英')).toBe('"王秀英"');
		expect(csvCell('a,b\nc')).toBe('"a,b\nc"');
		expect(csvCell(3)).toBe('"3"');
		expect(toCsv([['a'], ['b']])).toBe('\uFEFF"a"\r\n"b"\r\n');
	});

	it('exports named ballots only, to staff only, with names that look like formulas made harmless', async () => {
		const { db, docs, f, r, meetingId } = await heldMeeting({ close: false });
		db.update(resident)
			.set({ name: '=HYPERLINK("http://x","y")' })
			.where(eq(resident.id, r[2].residentId!))
			.run();
		const secret = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: null,
				question: '秘密表决',
				type: 'yesNoAbstain',
				rules: { ...DEFAULT_RULES, secret: true, liveTally: false },
				durationSeconds: null
			},
			T0
		);
		castBallot(db, r[0], { pollId: secret, ...ballot(), choices: ['no'] }, T0);
		closePoll(db, f, secret, T0 + 30);
		const csv = ballotsCsv(db, f, meetingId);
		expect(csv.startsWith('\uFEFF"表决","表决事项"')).toBe(true);
		const lines = csv.trim().split('\r\n');
		expect(lines).toHaveLength(5); // header and four named ballots; the secret poll has none
		expect(csv).not.toContain('秘密表决');
		expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
		expect(lines.filter((l) => l.includes('"同意"'))).toHaveLength(3);
		expect(() => ballotsCsv(db, r[0], meetingId)).toThrow('FORBIDDEN');
		expect(() => ballotsCsv(db, staff(db, 'committee'), meetingId)).toThrow('FORBIDDEN');
	});

	it('writes Markdown with the tally, the hashes and typed text kept as text', async () => {
		const { db, docs, f, meetingId } = await heldMeeting();
		saveSummary(db, f, meetingId, '<script>alert(1)</script>\n# 不是标题');
		const md = toMarkdown(generateMinutes(db, docs, meetingId), { hash: 'a'.repeat(64), signedAt: T0 });
		const res = db.select().from(resolution).get()!;
		expect(md).toMatch(/^# 会议纪要：1栋议事会\n/);
		expect(md).toContain('到会 4 户 / 应到 6 户');
		expect(md).toContain('> 三楼以上住户同意分摊。');
		expect(md).toContain('同意：3 票');
		expect(md).toContain(res.hash);
		expect(md).toContain('a'.repeat(64));
		expect(md).toContain('\\<script\\>');
		expect(md).toContain('> \\# 不是标题');
	});
});
