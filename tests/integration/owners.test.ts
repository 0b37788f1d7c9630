/**
 * A 业主大会 vote over real sockets (民法典 Art 278): the built server on port 0, the facilitator's
 * console and owners' phones. Ballots arrive by phone and as hands recorded unit by unit; every
 * screen gets the headcount and the floor-area tally side by side, and the resolution freezes both.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { building, resident, resolution, user } from '$lib/server/db/schema';
import { loadActor } from '$lib/server/authz';
import { checkIn } from '$lib/server/domain/attendance';
import { checkInCodeAt } from '$lib/server/domain/check-in-code';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { makeReceipt } from '$lib/receipt';
import type { MeetingState } from '$lib/realtime/meeting';
import type { CastResult, PublicRules } from '$lib/realtime/poll';
import { startServer, type TestServer } from '../helpers/server';
import { login } from '../helpers/http';
import { ok, refused, request, socketPool, stateWhere } from '../helpers/sockets';
import { residentsOf } from '../helpers/residents';

let server: TestServer;
let db: Db;
let facilitator: string;
const pool = socketPool(() => server.url);
const { cookieFor, actorOf } = residentsOf(() => db);

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	facilitator = await login(server.url, 'facilitator');
});
afterEach(() => pool.closeAll());
afterAll(async () => {
	pool.closeAll();
	db?.$client.close();
	await server?.cleanup();
});

const RULES: PublicRules = {
	votingUnit: 'household',
	whoMayVote: 'present',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};
const ballot = () => ({ ballotId: crypto.randomUUID(), receipt: makeReceipt() });

describe('an owners’ assembly vote', () => {
	it('counts phones and named hands by owner and by floor area, shows both, and freezes both', async () => {
		const b2 = db.select().from(building).where(eq(building.name, '2栋')).get()!.id;
		const f = loadActor(db, db.select().from(user).where(eq(user.username, 'facilitator')).get()!);
		const meetingId = createMeeting(db, f, {
			title: '2栋业主大会',
			scopeType: 'building',
			scopeId: b2,
			startsAt: new Date(),
			place: '2栋架空层',
			votingUnit: 'household',
			isPublic: true,
			body: 'ownersAssembly'
		});
		const console_ = await pool.connected(facilitator);
		await ok(console_, 'meeting:join', { meetingId, as: 'console' });
		await ok(console_, 'meeting:open', { meetingId });
		// Six units of 2栋, one resident each; the first two belong to one owner ('F-0003').
		const inB2 = db
			.select({ id: resident.id })
			.from(resident)
			.all()
			.map((r) => r.id)
			.filter((id) => actorOf(id).home?.buildingId === b2)
			.sort((a, c) => a - c);
		expect(inB2).toHaveLength(6);
		// An owners' assembly takes the projector's rotating code (its grace covers a change meanwhile).
		const code = checkInCodeAt(getMeeting(db, meetingId), Date.now()).code;
		for (const id of inB2) checkIn(db, actorOf(id), meetingId, code);

		const open = (matter: number, id = 'ownersOrdinary') =>
			refusedOrOk(console_, {
				meetingId,
				agendaItemId: null,
				question: '是否续聘物业服务企业？',
				type: 'yesNoAbstain',
				rules: { ...RULES, preset: { id, base: 'owners', matter } },
				durationSeconds: null
			});
		expect(await open(7)).toBe('PRESET_MATTER');
		const pollId = Number(await open(4));
		expect(pollId).toBeGreaterThan(0);

		const phones = await Promise.all(inB2.map((id) => pool.connected(cookieFor(id))));
		for (const p of phones) await ok(p, 'meeting:join', { meetingId, as: 'phone' });
		await ok<CastResult>(phones[0], 'ballot:cast', { pollId, ...ballot(), choices: ['yes'] });
		// The second unit of the same owner: that owner has voted.
		expect(await refused(phones[1], 'ballot:cast', { pollId, ...ballot(), choices: ['no'] })).toBe(
			'ALREADY_VOTED'
		);
		await ok<CastResult>(phones[3], 'ballot:cast', { pollId, ...ballot(), choices: ['no'] });
		expect(await refused(console_, 'hands:set', { pollId, counts: { yes: 1 } })).toBe('HAND_COUNT_NAMED');
		const hand = { pollId, residentId: inB2[2], choices: ['yes'], ...ballot() };
		const both = stateWhere(
			phones[5],
			(st: MeetingState) =>
				st.polls.find((p) => p.id === pollId)?.tally?.perChannel.hand?.yes === 2 &&
				st.polls.find((p) => p.id === pollId)?.tally?.participating === 4
		);
		await ok<CastResult>(console_, 'ballot:hand', hand);
		// A retry of the same hand entry (its ack lost) is the same ballot.
		expect((await ok<CastResult>(console_, 'ballot:hand', hand)).duplicate).toBe(true);
		await ok<CastResult>(console_, 'ballot:hand', {
			pollId,
			residentId: inB2[4],
			choices: ['yes'],
			...ballot()
		});
		const st = await both;
		const tally = st.polls.find((p) => p.id === pollId)!.tally!;
		// Owners: F-0003 (units 1+2), unit 3, unit 4, unit 5 of five owners; areas from the demo register.
		expect(tally).toMatchObject({ participating: 4, eligible: 5, quorumReached: true });
		expect(tally.byArea).toEqual({
			perOption: { yes: 8935 + 11260 + 13520 + 11260, no: 8935, abstain: 0 },
			participating: 8935 + 11260 + 13520 + 11260 + 8935,
			eligible: 67430,
			quorumReached: true
		});

		const { resolutionId } = await ok<{ resolutionId: number }>(console_, 'poll:close', { pollId });
		const r = db.select().from(resolution).where(eq(resolution.id, resolutionId)).get()!;
		expect(r.outcome).toBe('passed');
		expect(r.content).toMatchObject({
			rules: { votingUnit: 'owner', preset: { article: '民法典 第二百七十八条', matter: 4 } },
			tally: { byArea: tally.byArea }
		});
	});
});

/** The poll id, or the refusal's code. */
async function refusedOrOk(s: Parameters<typeof ok>[0], payload: unknown): Promise<string | number> {
	const res = await request<{ pollId: number }>(s, 'poll:open', payload);
	return res.ok ? res.data.pollId : res.error.code;
}
