/**
 * 1. Vote burst: N phones in one live meeting plus a projector; a poll opens; each phone casts one
 * ballot at a random moment within 2 s. The same light phones and the same real-client projector
 * drive the app and the bare Socket.IO baseline, alternating A/B.
 */
import { and, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import type { Db } from '$lib/server/db';
import { pollVote } from '$lib/server/db/schema';
import type { MeetingState } from '$lib/realtime/meeting';
import type { Child } from './lib/proc';
import { loadMeter } from './lib/proc';
import { connectPhones, type Phone } from './lib/phone';
import { ask, realSocket } from './lib/realclient';
import { checkInAll, cookieForUser, newBuilding, newMeeting, userNamed, type Person } from './lib/seed';
import { median, scaled, sleep, summarize } from './lib/stats';

const BURST_MS = 2000;
const CHOICES = ['yes', 'no', 'abstain'] as const;
const RULES = {
	votingUnit: 'household',
	whoMayVote: 'present',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
};

/** One side of the A/B: how to open a poll and (for the app) check what was stored. */
type Target = {
	name: 'app' | 'baseline';
	child: Child;
	projector: Socket;
	phones: Phone[];
	openPoll(): Promise<number>;
	stored?(pollId: number): {
		rows: number;
		units: number;
		ballotIds: Set<string>;
		perOption: Record<string, number>;
	};
};

export type BurstResult = {
	phones: number;
	sent: number;
	acked: number;
	refused: number;
	lost: number;
	duplicated: number;
	storedMatches: boolean | null;
	ack: { p50: number; p99: number; max: number };
	toProjector: { p50: number; p99: number; max: number };
	lastToFinalMs: number;
	delivered: number;
	serverCpuUsPerMsg: number;
	serverCoreShare: number;
	eldP99: number;
	peakRssMB: number;
	loadCoreShare: number;
	/** All phones connecting and joining the meeting at once, until the last has its state. */
	joinAllMs?: number;
};

let run = 0;
function ids() {
	const prefix = `b${++run}${Date.now().toString(36)}`;
	let n = 0;
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	return () => {
		let x = ++n + run * 100_000;
		let receipt = '';
		for (let i = 0; i < 10; i++, x = Math.floor(x / alphabet.length))
			receipt += alphabet[x % alphabet.length];
		return { ballotId: `${prefix}-${n}-xxxxxxxx`, receipt };
	};
}

/** Tallies the projector saw for one poll, in arrival order. */
function watchProjector(projector: Socket, pollId: () => number) {
	const seen: Array<{ at: number; participating: number }> = [];
	const on = (st: MeetingState) => {
		const at = performance.now();
		const p = st.polls.find((x) => x.id === pollId());
		if (p?.tally) seen.push({ at, participating: p.tally.participating });
	};
	projector.on('meeting:state', on);
	return { seen, stop: () => projector.off('meeting:state', on) };
}

async function burst(t: Target): Promise<BurstResult> {
	const pollId = await t.openPoll();
	await sleep(300); // the poll:opened state reaches everyone before the clock starts
	const watch = watchProjector(t.projector, () => pollId);
	const next = ids();
	const received0 = t.phones.reduce((s, p) => s + p.received, 0);
	const s0 = await t.child.stats('reset');
	const meter = loadMeter();
	const t0 = performance.now();
	type Sent = { at: number; ackAt?: number; ok?: boolean; ballotId: string; choice: string };
	const sent: Sent[] = [];
	const acks: Promise<void>[] = [];
	let lastSend = 0;
	await new Promise<void>((resolve) => {
		let pending = t.phones.length;
		for (const phone of t.phones) {
			setTimeout(() => {
				const { ballotId, receipt } = next();
				const choice = CHOICES[sent.length % 3];
				const rec: Sent = { at: performance.now(), ballotId, choice };
				lastSend = rec.at;
				sent.push(rec);
				acks.push(
					phone
						.request<{ ok: boolean }>('ballot:cast', { pollId, ballotId, receipt, choices: [choice] })
						.then(({ data, at }) => {
							rec.ackAt = at;
							rec.ok = data.ok;
						})
				);
				if (--pending === 0) resolve();
			}, Math.random() * BURST_MS);
		}
	});
	await Promise.race([Promise.all(acks), sleep(30_000)]);
	const acked = sent.filter((s) => s.ok);
	// The final tally: wait until the projector shows every acknowledged ballot (or give up).
	const deadline = performance.now() + 10_000;
	while ((watch.seen.at(-1)?.participating ?? 0) < acked.length && performance.now() < deadline)
		await sleep(10);
	await sleep(100);
	const load = meter();
	const s1 = await t.child.stats();
	watch.stop();
	const wallMs = performance.now() - t0;
	const delivered = t.phones.reduce((s, p) => s + p.received, 0) - received0 + watch.seen.length;

	// Ballot k (in ack order) is on the projector from the first tally counting at least k ballots.
	const byAck = [...acked].sort((a, b) => a.ackAt! - b.ackAt!);
	const toProjector: number[] = [];
	let j = 0;
	byAck.forEach((s, k) => {
		while (j < watch.seen.length && watch.seen[j].participating < k + 1) j++;
		if (j < watch.seen.length) toProjector.push(Math.max(0, watch.seen[j].at - s.at));
	});
	const final = watch.seen.find((x) => x.participating >= acked.length);

	let lost: number;
	let duplicated = 0;
	let storedMatches: boolean | null = null;
	if (t.stored) {
		const st = t.stored(pollId);
		lost = acked.filter((s) => !st.ballotIds.has(s.ballotId)).length;
		duplicated = st.rows - st.units;
		const expected: Record<string, number> = { yes: 0, no: 0, abstain: 0 };
		for (const s of acked) expected[s.choice]++;
		storedMatches = CHOICES.every((c) => (st.perOption[c] ?? 0) === expected[c]) && st.rows === acked.length;
	} else {
		lost = Math.max(0, acked.length - (watch.seen.at(-1)?.participating ?? 0));
	}
	return {
		phones: t.phones.length,
		sent: sent.length,
		acked: acked.length,
		refused: sent.filter((s) => s.ok === false).length,
		lost,
		duplicated,
		storedMatches,
		ack: summarize(acked.map((s) => s.ackAt! - s.at)),
		toProjector: summarize(toProjector),
		lastToFinalMs: final ? final.at - lastSend : NaN,
		delivered,
		serverCpuUsPerMsg: (s1.cpuUs - s0.cpuUs) / Math.max(1, delivered),
		serverCoreShare: (s1.cpuUs - s0.cpuUs) / 1000 / wallMs,
		eldP99: s1.eld.p99,
		peakRssMB: s1.peakRss / 2 ** 20,
		loadCoreShare: load.share
	};
}

/** Median of each figure over the repetitions (counts: worst case). */
function combine(rs: BurstResult[]): BurstResult {
	const m = (f: (r: BurstResult) => number) => median(rs.map(f));
	const worst = (f: (r: BurstResult) => number) => Math.max(...rs.map(f));
	return {
		phones: rs[0].phones,
		sent: worst((r) => r.sent),
		acked: Math.min(...rs.map((r) => r.acked)),
		refused: worst((r) => r.refused),
		lost: worst((r) => r.lost),
		duplicated: worst((r) => r.duplicated),
		storedMatches: rs.every((r) => r.storedMatches !== false) ? rs[0].storedMatches : false,
		ack: { p50: m((r) => r.ack.p50), p99: m((r) => r.ack.p99), max: worst((r) => r.ack.max) },
		toProjector: {
			p50: m((r) => r.toProjector.p50),
			p99: m((r) => r.toProjector.p99),
			max: worst((r) => r.toProjector.max)
		},
		lastToFinalMs: m((r) => r.lastToFinalMs),
		delivered: m((r) => r.delivered),
		serverCpuUsPerMsg: m((r) => r.serverCpuUsPerMsg),
		serverCoreShare: m((r) => r.serverCoreShare),
		eldP99: m((r) => r.eldP99),
		peakRssMB: worst((r) => r.peakRssMB),
		loadCoreShare: worst((r) => r.loadCoreShare)
	};
}

export async function voteBurst(
	app: Child,
	db: Db,
	baseline: Child,
	log: (s: string) => void
): Promise<Record<string, { app: BurstResult; baseline: BurstResult; runs: number }>> {
	const sizes = [scaled(1000, 10), scaled(2000, 20)];
	const reps = Number(process.env.BENCH_REPS ?? 2);
	const { people } = newBuilding(db, '压测楼', sizes[1]);
	const { meetingId, code } = newMeeting(
		db,
		(db.$client.prepare('select max(id) id from building').get() as { id: number }).id
	);
	checkInAll(db, meetingId, people);
	const consoleSocket = await realSocket(app.url, {
		cookie: cookieForUser(db, userNamed(db, 'facilitator').id),
		rejoin: (s) => void ask(s, 'meeting:join', { meetingId, as: 'console' }).catch(() => {})
	});
	await ask(consoleSocket, 'meeting:join', { meetingId, as: 'console' });
	await ask(consoleSocket, 'meeting:open', { meetingId });
	const appProjector = await realSocket(app.url, {
		auth: { projectorMeetingId: meetingId, code },
		rejoin: (s) => void ask(s, 'meeting:join', { meetingId, as: 'projector' }).catch(() => {})
	});
	await ask(appProjector, 'meeting:join', { meetingId, as: 'projector' });
	const baseProjector = await realSocket(baseline.url, {
		rejoin: (s) => void ask(s, 'meeting:join', { meetingId: 1, as: 'projector' }).catch(() => {})
	});
	await ask(baseProjector, 'meeting:join', { meetingId: 1, as: 'projector' });
	let openPollId: number | null = null;

	const out: Record<string, { app: BurstResult; baseline: BurstResult; runs: number }> = {};
	for (const size of sizes) {
		const who: Person[] = people.slice(0, size);
		// The courtyard scans the QR code: every phone connects and joins at once.
		let t = performance.now();
		const appPhones = await connectPhones(
			app.url,
			who.map((p) => ({ cookie: p.cookie }))
		);
		await Promise.all(appPhones.map((p) => p.request('meeting:join', { meetingId, as: 'phone' })));
		const appJoinMs = performance.now() - t;
		t = performance.now();
		const basePhones = await connectPhones(
			baseline.url,
			who.map(() => ({}))
		);
		await Promise.all(basePhones.map((p) => p.request('meeting:join', { meetingId: 1, as: 'phone' })));
		const baseJoinMs = performance.now() - t;
		const dropped = appPhones.filter((p) => p.dropped).length;
		log(
			`vote-burst ${size}: all phones joined in ${appJoinMs.toFixed(0)} ms (baseline ${baseJoinMs.toFixed(0)} ms)` +
				(dropped ? `; ${dropped} app connections dropped meanwhile` : '')
		);
		const A: Target = {
			name: 'app',
			child: app,
			projector: appProjector,
			phones: appPhones,
			async openPoll() {
				if (openPollId !== null) await ask(consoleSocket, 'poll:close', { pollId: openPollId });
				const { pollId } = await ask<{ pollId: number }>(consoleSocket, 'poll:open', {
					meetingId,
					agendaItemId: null,
					question: '是否同意在压测楼加装电梯？',
					type: 'yesNoAbstain',
					rules: RULES,
					durationSeconds: null
				});
				openPollId = pollId;
				return pollId;
			},
			stored(pollId) {
				const rows = db
					.select()
					.from(pollVote)
					.where(and(eq(pollVote.pollId, pollId)))
					.all();
				const perOption: Record<string, number> = {};
				for (const r of rows) for (const c of r.choices ?? []) perOption[c] = (perOption[c] ?? 0) + 1;
				return {
					rows: rows.length,
					units: new Set(rows.map((r) => r.unitKey)).size,
					ballotIds: new Set(rows.map((r) => r.ballotId)),
					perOption
				};
			}
		};
		const B: Target = {
			name: 'baseline',
			child: baseline,
			projector: baseProjector,
			phones: basePhones,
			async openPoll() {
				await ask(baseProjector, 'poll:reset', { meetingId: 1 });
				return 1;
			}
		};
		const results = { app: [] as BurstResult[], baseline: [] as BurstResult[] };
		for (let rep = 0; rep < reps; rep++) {
			for (const t of rep % 2 === 0 ? [A, B] : [B, A]) {
				const r = await burst(t);
				results[t.name].push(r);
				log(
					`vote-burst ${size} ${t.name} #${rep + 1}: acked ${r.acked}/${r.sent}, ack p99 ${r.ack.p99.toFixed(1)} ms, ` +
						`→projector p99 ${r.toProjector.p99.toFixed(1)} ms, ${r.serverCpuUsPerMsg.toFixed(1)} µs/msg, ` +
						`eld p99 ${r.eldP99.toFixed(1)} ms, load ${(r.loadCoreShare * 100).toFixed(0)}%`
				);
			}
		}
		out[size] = {
			app: { ...combine(results.app), joinAllMs: appJoinMs },
			baseline: { ...combine(results.baseline), joinAllMs: baseJoinMs },
			runs: reps
		};
		for (const p of [...appPhones, ...basePhones]) p.close();
		await Promise.all([...appPhones, ...basePhones].map((p) => p.closed()));
	}
	consoleSocket.close();
	appProjector.close();
	baseProjector.close();
	return out;
}
