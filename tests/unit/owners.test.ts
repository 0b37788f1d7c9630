import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { building, household, poll, resident } from '$lib/server/db/schema';
import { markAttendance } from '$lib/server/domain/attendance';
import { castBallot, designateProxy, recordHandBallot, setHandCounts } from '$lib/server/domain/ballots';
import { isAdult } from '$lib/server/domain/eligibility';
import { createMeeting, getMeeting, openMeeting } from '$lib/server/domain/meetings';
import { countPoll, openPoll } from '$lib/server/domain/polls';
import { closePoll, getResolutionView } from '$lib/server/domain/resolutions';
import { ownerOf, pollRoll } from '$lib/server/domain/rolls';
import { setOwnership } from '$lib/server/domain/roster-rolls';
import { DEFAULT_RULES, tallyOwners, YES_NO_ABSTAIN, type PollRules } from '$lib/server/domain/tally';
import { createYjsServer } from '$lib/server/yjs';
import type { Body } from '$lib/server/db/schema';
import { ballotIds } from '../helpers/ballot-ids';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);
const ids = ballotIds('owner');

/** Ballots with weights (floor areas) for the pure owners' tally. */
const b = (choice: string, ...weights: number[]) =>
	weights.map((weight) => ({ choices: [choice], channel: 'phone' as const, weight }));

function owners(ballots: ReturnType<typeof b>, special = false, eligible = 6, eligibleArea = 600) {
	return tallyOwners({
		type: 'yesNoAbstain',
		options: YES_NO_ABSTAIN,
		rules: {
			quorum: { num: 2, den: 3, strict: false },
			threshold: special ? 'threeQuartersPresent' : 'presentMajority'
		},
		ballots,
		handCounts: {},
		eligibleUnits: eligible,
		eligibleArea
	});
}

describe('民法典 Art 278: two tallies, by headcount and by floor area', () => {
	it('takes part at exactly two thirds of both, and not one square metre short', () => {
		const exact = owners([...b('yes', 100, 100, 100), ...b('no', 100)]);
		expect(exact).toMatchObject({ participating: 4, quorumReached: true, outcome: 'passed' });
		expect(exact.byArea).toMatchObject({ participating: 400, eligible: 600, quorumReached: true });
		const short = owners([...b('yes', 100, 100, 100), ...b('no', 99)]);
		expect(short.outcome).toBe('noQuorum');
		expect(short.byArea!.quorumReached).toBe(false);
		// Enough area, one owner short: 3 of 6 owners is below two thirds.
		expect(owners(b('yes', 200, 200, 200)).outcome).toBe('noQuorum');
	});

	it('passes only when both counts agree: many small owners cannot outvote the area, nor the reverse', () => {
		const smallMany = owners([...b('yes', 10, 10, 10), ...b('no', 570)]);
		expect(smallMany.quorumReached).toBe(true);
		expect(smallMany.outcome).toBe('notPassed');
		expect(smallMany.byArea!.perOption).toMatchObject({ yes: 30, no: 570 });
		const bigFew = owners([...b('yes', 570), ...b('no', 10, 10, 10)]);
		expect(bigFew.outcome).toBe('notPassed');
	});

	it('needs more than half of those taking part: a tie does not pass, and abstaining counts against', () => {
		expect(owners([...b('yes', 100, 100), ...b('no', 100, 100)]).outcome).toBe('notPassed');
		expect(owners([...b('yes', 100, 100), ...b('no', 100), ...b('abstain', 100)]).outcome).toBe('notPassed');
		expect(owners([...b('yes', 100, 100, 100), ...b('abstain', 100)]).outcome).toBe('passed');
	});

	it('decides a special matter at three quarters inclusive, by headcount and by area', () => {
		expect(owners([...b('yes', 100, 100, 100), ...b('no', 100)], true).outcome).toBe('passed');
		expect(owners([...b('yes', 100, 100, 99), ...b('no', 101)], true).outcome).toBe('notPassed');
		// Two of three owners (less than 3/4) with nearly all the area still fails.
		expect(owners([...b('yes', 290, 290), ...b('no', 20)], true, 3, 600).outcome).toBe('notPassed');
	});
});

async function ownersAssembly(body: Body = 'ownersAssembly') {
	const db = await demoDb();
	const docs = createYjsServer({ db });
	const f = staff(db, 'facilitator');
	const b2 = db.select().from(building).where(eq(building.name, '2栋')).get()!.id;
	const meetingId = createMeeting(db, f, {
		title: '2栋业主大会',
		scopeType: 'building',
		scopeId: b2,
		startsAt: new Date(T0),
		place: '2栋架空层',
		votingUnit: 'household',
		isPublic: true,
		body
	});
	const residents = [0, 1, 2, 3, 4, 5].map((i) => residentActor(db, '2栋', i));
	return { db, docs, f, meetingId, residents, b2 };
}

function open(
	db: Db,
	docs: ReturnType<typeof createYjsServer>,
	f: ReturnType<typeof staff>,
	meetingId: number,
	rules: Partial<PollRules>
) {
	return openPoll(
		db,
		docs,
		f,
		{
			meetingId,
			agendaItemId: null,
			question: '是否续聘物业服务企业？',
			type: 'yesNoAbstain',
			rules: { ...DEFAULT_RULES, ...rules },
			durationSeconds: null
		},
		T0
	);
}

const ordinary = (matter = 4): Partial<PollRules> => ({
	preset: { id: 'ownersOrdinary', base: 'owners', matter }
});

describe('the owners’ roll (SPC interpretation Art 9)', () => {
	it('counts a unit as one owner, an owner of several units once, and unsold units together as one', async () => {
		const { db, meetingId } = await ownersAssembly();
		const m = getMeeting(db, meetingId);
		const roll = pollRoll(db, m, m.startsAt, { votingUnit: 'owner' });
		// 2栋 has six units; 'F-0003' holds two of them.
		expect(roll.units.size).toBe(5);
		expect(roll.units.get('owner:F-0003')).toBe(8935 + 11260);
		expect([...roll.units.values()].reduce((a, c) => a + c, 0)).toBe(67430);
		const hs = db.select().from(household).where(eq(household.buildingId, m.scopeId)).all();
		for (const h of hs.slice(4))
			db.update(household).set({ unsold: true }).where(eq(household.id, h.id)).run();
		const after = pollRoll(db, m, m.startsAt, { votingUnit: 'owner' });
		expect(after.units.size).toBe(4);
		expect(after.units.get('owner:developer')).toBe(11260 + 13520);
		expect(ownerOf({ id: 9, ownerKey: '  ', unsold: false })).toBe('owner:unit:9');
	});

	it('refuses an owners’ vote without every floor area, a special matter under the ordinary rule, or a secret one', async () => {
		const { db, docs, f, meetingId, b2 } = await ownersAssembly();
		openMeeting(db, f, meetingId, T0);
		expect(() => open(db, docs, f, meetingId, ordinary(6))).toThrow('PRESET_MATTER');
		expect(() =>
			open(db, docs, f, meetingId, { preset: { id: 'ownersSpecial', base: 'owners', matter: 5 } })
		).toThrow('PRESET_MATTER');
		expect(() => open(db, docs, f, meetingId, ordinary(10))).toThrow('INVALID_INPUT');
		expect(() => open(db, docs, f, meetingId, { ...ordinary(), secret: true, liveTally: false })).toThrow(
			'INVALID_INPUT'
		);
		const first = db.select().from(household).where(eq(household.buildingId, b2)).get()!;
		db.update(household).set({ floorArea: null }).where(eq(household.id, first.id)).run();
		expect(() => open(db, docs, f, meetingId, ordinary())).toThrow('ROLL_MISSING');
		expect(db.select().from(poll).all()).toHaveLength(0);
		await docs.close();
	});

	it('runs a poll by owner over phone, named hands and a proxy, and freezes both tallies with the article', async () => {
		const { db, docs, f, meetingId, residents } = await ownersAssembly();
		openMeeting(db, f, meetingId, T0);
		for (const r of residents) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		// Owner of unit 6 names the resident of unit 2 as agent, before the vote.
		designateProxy(db, residents[5], meetingId, residents[1].residentId!, T0);
		const pollId = open(db, docs, f, meetingId, ordinary());
		castBallot(db, residents[0], { pollId, ...ids(), choices: ['yes'] }, T0 + 1);
		// Unit 2 belongs to the same owner: that owner has voted.
		expect(() => castBallot(db, residents[1], { pollId, ...ids(), choices: ['no'] }, T0 + 2)).toThrow(
			'ALREADY_VOTED'
		);
		expect(() => setHandCounts(db, f, pollId, { yes: 1 }, T0 + 3)).toThrow('HAND_COUNT_NAMED');
		recordHandBallot(
			db,
			f,
			{ pollId, residentId: residents[2].residentId!, choices: ['yes'], ...ids() },
			T0 + 3
		);
		castBallot(db, residents[3], { pollId, ...ids(), choices: ['no'] }, T0 + 4);
		const p = db.select().from(poll).where(eq(poll.id, pollId)).get()!;
		expect(countPoll(db, p).outcome).toBe('noQuorum'); // 3 of 5 owners
		castBallot(
			db,
			residents[1],
			{ pollId, ...ids(), choices: ['yes'], forResidentId: residents[5].residentId! },
			T0 + 5
		);
		const t = countPoll(db, p);
		expect(t).toMatchObject({ participating: 4, eligible: 5, quorumReached: true, outcome: 'passed' });
		expect(t.perChannel).toMatchObject({ phone: { yes: 1, no: 1 }, hand: { yes: 1 }, proxy: { yes: 1 } });
		expect(t.byArea).toEqual({
			perOption: { yes: 8935 + 11260 + 13520 + 13520, no: 8935, abstain: 0 },
			participating: 8935 + 11260 + 13520 + 13520 + 8935,
			eligible: 67430,
			quorumReached: true
		});
		const resolutionId = closePoll(db, f, pollId, T0 + 6);
		const view = getResolutionView(db, resolutionId);
		expect(view.content.rules).toMatchObject({
			votingUnit: 'owner',
			preset: { article: '民法典 第二百七十八条', matter: 4 }
		});
		expect((view.content.tally as { byArea: unknown }).byArea).toEqual(t.byArea);
		await docs.close();
	});
});

describe('other rolls', () => {
	it('lets only the 户代表 cast a household’s vote where one is designated', async () => {
		const db = await demoDb();
		const docs = createYjsServer({ db });
		const f = staff(db, 'facilitator');
		const meetingId = createMeeting(db, f, {
			title: '1栋议事会',
			scopeType: 'building',
			scopeId: 1,
			startsAt: new Date(T0),
			place: '楼下',
			votingUnit: 'household',
			isPublic: true
		});
		openMeeting(db, f, meetingId, T0);
		const rep = residentActor(db, '1栋', 0);
		const home = db.select().from(resident).where(eq(resident.id, rep.residentId!)).get()!;
		db.update(resident).set({ householdRepresentative: true }).where(eq(resident.id, home.id)).run();
		db.insert(resident).values({ householdId: home.householdId, name: '王小明', birthYear: 1980 }).run();
		const housemate = residentActor(db, '1栋', 6); // the newest resident of 1栋
		const sameHome = db.select().from(resident).where(eq(resident.id, housemate.residentId!)).get()!;
		expect(sameHome.householdId).toBe(home.householdId);
		markAttendance(db, f, meetingId, rep.residentId!, true, T0);
		const pollId = open(db, docs, f, meetingId, {});
		expect(() => castBallot(db, housemate, { pollId, ...ids(), choices: ['yes'] }, T0 + 1)).toThrow(
			'NOT_ELIGIBLE'
		);
		expect(castBallot(db, rep, { pollId, ...ids(), choices: ['yes'] }, T0 + 2).duplicate).toBe(false);
		await docs.close();
	});

	it('counts the 村民代表会议 by the representatives’ roster, and refuses it when nobody is on it', async () => {
		const { db, docs, f, meetingId } = await ownersAssembly('villagerRepresentatives');
		openMeeting(db, f, meetingId, T0);
		const preset = { preset: { id: 'villagerRepresentatives', base: 'representatives' as const } };
		const pollId = open(db, docs, f, meetingId, preset);
		const p = db.select().from(poll).where(eq(poll.id, pollId)).get()!;
		const m = getMeeting(db, meetingId);
		const onRoster = pollRoll(db, m, m.startsAt, { votingUnit: 'representative' }).voters;
		expect(onRoster.length).toBeGreaterThan(0);
		expect(onRoster.every((v) => v.villagerRepresentative)).toBe(true);
		expect(countPoll(db, p).eligible).toBe(onRoster.length);
		closePoll(db, f, pollId, T0 + 1);
		db.update(resident).set({ villagerRepresentative: false }).run();
		expect(() => open(db, docs, f, meetingId, preset)).toThrow('ROLL_MISSING');
		await docs.close();
	});

	it('lets the adult flag fill in a missing birth year or say "not adult", never give a minor a vote', () => {
		const at = new Date(T0);
		expect(isAdult(2015, at)).toBe(false);
		expect(isAdult(2015, at, true)).toBe(false);
		expect(isAdult(1950, at, false)).toBe(false);
		expect(isAdult(null, at)).toBe(true);
		expect(isAdult(null, at, false)).toBe(false);
		expect(isAdult(null, at, true)).toBe(true);
	});

	it('keeps the rolls still while a poll is open, and counts only ballots of units on the roll', async () => {
		const { db, docs, f, meetingId, residents } = await ownersAssembly();
		openMeeting(db, f, meetingId, T0);
		for (const r of residents) markAttendance(db, f, meetingId, r.residentId!, true, T0);
		const pollId = open(db, docs, f, meetingId, ordinary());
		const admin = staff(db, 'admin');
		const h = db
			.select()
			.from(household)
			.where(eq(household.buildingId, getMeeting(db, meetingId).scopeId))
			.get()!;
		expect(() =>
			setOwnership(db, admin, { householdId: h.id, floorArea: 100, ownerKey: 'X', unsold: false })
		).toThrow('POLL_STATE');
		castBallot(db, residents[2], { pollId, ...ids(), choices: ['yes'] }, T0 + 1);
		// A unit that left the roll by other means (here: made unsold directly) no longer counts.
		db.update(household)
			.set({ unsold: true })
			.where(eq(household.id, h.id + 2))
			.run();
		const p = db.select().from(poll).where(eq(poll.id, pollId)).get()!;
		expect(countPoll(db, p).participating).toBe(0);
		await docs.close();
	});
});
