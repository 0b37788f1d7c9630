/**
 * 2. Memory and ceiling: idle phones across meetings, heap and RSS per connection after GC (minus the
 * same server with nobody connected), three connect/disconnect waves; then ballots at rising rates
 * into every meeting until the event loop's p99 passes 50 ms. App and bare baseline alternate.
 */
import type { Db } from '$lib/server/db';
import { loadActor } from '$lib/server/authz';
import { openMeeting } from '$lib/server/domain/meetings';
import { openPoll } from '$lib/server/domain/polls';
import type { DocumentStore } from '$lib/server/yjs';
import type { Child } from './lib/proc';
import { loadMeter } from './lib/proc';
import { connectPhones, type Phone } from './lib/phone';
import { newBuilding, newMeeting, userNamed } from './lib/seed';
import { scaled, sleep } from './lib/stats';

const MB = 2 ** 20;
const noDocs = { read: () => null, change: () => {}, reconnectAll: () => {} } as unknown as DocumentStore;

export type WaveResult = {
	rssPerConnKB: number;
	heapPerConnKB: number;
	rssAfterMB: number;
	heapAfterMB: number;
};
export type CeilingStep = {
	rate: number;
	sentPerS: number;
	ackedPerS: number;
	deliveredPerS: number;
	eldP99: number;
	serverCoreShare: number;
	loadCoreShare: number;
	refused: Record<string, number>;
};
export type MemoryResult = {
	phones: number;
	meetings: number;
	app: { waves: WaveResult[]; ceiling: CeilingStep[] };
	baseline: { waves: WaveResult[]; ceiling: CeilingStep[] };
};

type Side = {
	name: 'app' | 'baseline';
	child: Child;
	options: Array<{ cookie?: string }>;
	meetingOf: (i: number) => number;
	pollOf: (i: number) => number;
	phones: Phone[];
	empty?: { rss: number; heap: number };
};

async function wave(s: Side, last: boolean): Promise<WaveResult> {
	s.phones = await connectPhones(s.child.url, s.options);
	await Promise.all(
		s.phones.map((p, i) => p.request('meeting:join', { meetingId: s.meetingOf(i), as: 'phone' }))
	);
	await sleep(500);
	const on = await s.child.stats('gc');
	const n = s.phones.length;
	const result = {
		rssPerConnKB: (on.rss - s.empty!.rss) / n / 1024,
		heapPerConnKB: (on.heapUsed - s.empty!.heap) / n / 1024,
		rssAfterMB: NaN,
		heapAfterMB: NaN
	};
	if (!last) {
		for (const p of s.phones) p.close();
		await Promise.all(s.phones.map((p) => p.closed()));
		await sleep(500);
		const off = await s.child.stats('gc');
		result.rssAfterMB = off.rss / MB;
		result.heapAfterMB = off.heapUsed / MB;
	}
	return result;
}

async function step(s: Side, rate: number, seconds: number): Promise<CeilingStep> {
	const received0 = s.phones.reduce((a, p) => a + p.received, 0);
	const s0 = await s.child.stats('reset');
	const meter = loadMeter();
	const t0 = performance.now();
	let sent = 0;
	let acked = 0;
	let k = 0;
	const tickMs = 10;
	let credit = 0;
	const refused: Record<string, number> = {};
	await new Promise<void>((resolve) => {
		const timer = setInterval(() => {
			if (performance.now() - t0 >= seconds * 1000) {
				clearInterval(timer);
				return resolve();
			}
			// Paced by the clock, not by ticks: a late timer sends what it owes.
			credit = (rate * (performance.now() - t0)) / 1000 - sent;
			for (; credit >= 1; credit--) {
				const i = (k = (k + 7919) % s.phones.length);
				const n = ++sent;
				void s.phones[i]
					.request<{ ok: boolean; error?: { code: string } }>('ballot:cast', {
						pollId: s.pollOf(i),
						ballotId: `c${rate}-${n}-${Date.now().toString(36)}-xx`,
						receipt: receiptOf(rate * 1_000_000 + n),
						choices: [['yes', 'no', 'abstain'][n % 3]]
					})
					.then(({ data }) => {
						if (data.ok) acked++;
						else refused[data.error!.code] = (refused[data.error!.code] ?? 0) + 1;
					});
			}
		}, tickMs);
	});
	const wallS = (performance.now() - t0) / 1000;
	const s1 = await s.child.stats();
	const load = meter();
	const delivered = s.phones.reduce((a, p) => a + p.received, 0) - received0;
	await sleep(300);
	return {
		rate,
		sentPerS: sent / wallS,
		ackedPerS: acked / wallS,
		deliveredPerS: delivered / wallS,
		eldP99: s1.eld.p99,
		serverCoreShare: (s1.cpuUs - s0.cpuUs) / 1e6 / wallS,
		loadCoreShare: load.share,
		refused
	};
}

export async function memory(
	app: Child,
	db: Db,
	baseline: Child,
	log: (s: string) => void
): Promise<MemoryResult> {
	const meetings = scaled(25, 2);
	const perMeeting = scaled(200, 10);
	const facilitator = loadActor(db, userNamed(db, 'facilitator'));
	const appOptions: Array<{ cookie: string }> = [];
	const appMeetings: number[] = [];
	const appPolls: number[] = [];
	for (let m = 0; m < meetings; m++) {
		const { buildingId, people } = newBuilding(db, `内存楼${m + 1}`, perMeeting);
		const { meetingId } = newMeeting(db, buildingId);
		openMeeting(db, facilitator, meetingId);
		const pollId = openPoll(db, noDocs, facilitator, {
			meetingId,
			agendaItemId: null,
			question: '压测：可改票的表决',
			type: 'yesNoAbstain',
			rules: {
				votingUnit: 'household',
				whoMayVote: 'eligible',
				quorum: { num: 1, den: 2, strict: true },
				threshold: 'simple',
				secret: false,
				liveTally: true,
				allowChange: true
			},
			durationSeconds: null
		});
		for (const p of people) {
			appOptions.push({ cookie: p.cookie });
			appMeetings.push(meetingId);
			appPolls.push(pollId);
		}
	}
	const A: Side = {
		name: 'app',
		child: app,
		options: appOptions,
		meetingOf: (i) => appMeetings[i],
		pollOf: (i) => appPolls[i],
		phones: []
	};
	const B: Side = {
		name: 'baseline',
		child: baseline,
		options: appOptions.map(() => ({})),
		meetingOf: (i) => 1 + Math.floor(i / perMeeting),
		pollOf: (i) => 1 + Math.floor(i / perMeeting),
		phones: []
	};
	const out: MemoryResult = {
		phones: appOptions.length,
		meetings,
		app: { waves: [], ceiling: [] },
		baseline: { waves: [], ceiling: [] }
	};
	for (const s of [A, B]) {
		const e = await s.child.stats('gc');
		s.empty = { rss: e.rss, heap: e.heapUsed };
	}
	for (let w = 0; w < 3; w++) {
		for (const s of w % 2 === 0 ? [A, B] : [B, A]) {
			// Both sides end with their phones connected, for the ceiling; the other side's are
			// connected meanwhile but idle (pings every 25 s).
			const r = await wave(s, w === 2);
			out[s.name].waves.push(r);
			log(
				`memory ${s.name} wave ${w + 1}: ${r.rssPerConnKB.toFixed(1)} KB RSS, ${r.heapPerConnKB.toFixed(1)} KB heap per phone; ` +
					`after disconnect ${r.rssAfterMB.toFixed(1)} MB RSS, ${r.heapAfterMB.toFixed(1)} MB heap`
			);
		}
	}
	const rates = [50, 100, 250, 500, 1000, 2000, 4000].map((r) => scaled(r, 10));
	const done = { app: false, baseline: false };
	for (const rate of rates) {
		for (const s of [A, B]) {
			if (done[s.name]) continue;
			const r = await step(s, rate, Number(process.env.BENCH_STEP_S ?? 2));
			out[s.name].ceiling.push(r);
			log(
				`ceiling ${s.name} ${rate}/s: acked ${r.ackedPerS.toFixed(0)}/s, delivered ${r.deliveredPerS.toFixed(0)} msg/s, ` +
					`eld p99 ${r.eldP99.toFixed(1)} ms, server ${(r.serverCoreShare * 100).toFixed(0)}%, load ${(r.loadCoreShare * 100).toFixed(0)}%` +
					(Object.keys(r.refused).length ? `, refused ${JSON.stringify(r.refused)}` : '')
			);
			if (r.eldP99 > 50 || r.ackedPerS < 0.9 * r.sentPerS || r.loadCoreShare > 0.95) done[s.name] = true;
		}
	}
	for (const s of [A, B]) for (const p of s.phones) p.close();
	await Promise.all([...A.phones, ...B.phones].map((p) => p.closed()));
	return out;
}

function receiptOf(x: number) {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	let r = '';
	for (let i = 0; i < 10; i++, x = Math.floor(x / alphabet.length)) r += alphabet[x % alphabet.length];
	return r;
}
