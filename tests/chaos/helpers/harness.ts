/**
 * One chaos run: the real server (a child process) behind a proxy, a meeting of phones, a facilitator's
 * console and editors, and the faults: SIGKILL and restart, clean restart, every connection cut at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db';
import { poll, resolution } from '$lib/server/db/schema';
import type { Ack } from '$lib/realtime/protocol';
import type { MeetingState } from '$lib/realtime/meeting';
import type { PollView } from '$lib/realtime/poll';
import { startServer, type TestServer } from '../../helpers/server';
import { eventually, prng, sleep, type ChaosConfig, type Rng } from './config';
import { Editor, prepareDoc, structureReady, type DocKind } from './editor';
import { Ledger, Phone } from './phone';
import { portOf, startProxy, type ChaosProxy } from './proxy';
import {
	checkAttendance,
	checkBallots,
	checkDoc,
	checkOpenPolls,
	merge,
	noFindings,
	storedBallotCount,
	storedTally,
	type Findings
} from './verify';
import { CHAOS_RULES, newBuilding, newMeeting, staffCookie, type Voter } from './world';

export type Figures = {
	faults: {
		sigkills: number;
		cleanRestarts: number;
		storms: number;
		connectionsCut: number;
		refusedMs: number;
	};
	restartMs: number[];
	/** Per poll: from the moment every phone had voted (on its screen) and the faults were over, to every ballot acknowledged. */
	settleMs: number[];
	clients: { phones: number; polling: number; editors: number };
	joins: number;
	polls: number;
	ballots: { sent: number; acknowledged: number; acks: number; duplicateAcks: number; stored: number };
	checkIns: { sent: number; acknowledged: number; stored: number };
	edits: { typed: number; seenByPeerAtFaults: number; stored: number };
	midRunChecks: number;
	lost: number;
	duplicated: number;
	wrong: number;
};

export class Chaos {
	server!: TestServer;
	db!: Db;
	proxy!: ChaosProxy;
	console!: Socket;
	ledger = new Ledger();
	phones: Phone[] = [];
	editors: Editor[] = [];
	meetingId = 0;
	joinCode = '';
	voters: Voter[] = [];
	/** Open polls and the deadline each was opened with. */
	deadlines = new Map<number, number>();
	polls: number[] = [];
	rng: Rng;
	figures: Figures = {
		faults: { sigkills: 0, cleanRestarts: 0, storms: 0, connectionsCut: 0, refusedMs: 0 },
		restartMs: [],
		settleMs: [],
		clients: { phones: 0, polling: 0, editors: 0 },
		joins: 0,
		polls: 0,
		ballots: { sent: 0, acknowledged: 0, acks: 0, duplicateAcks: 0, stored: 0 },
		checkIns: { sent: 0, acknowledged: 0, stored: 0 },
		edits: { typed: 0, seenByPeerAtFaults: 0, stored: 0 },
		midRunChecks: 0,
		lost: 0,
		duplicated: 0,
		wrong: 0
	};
	private started = Date.now();

	constructor(
		readonly name: string,
		readonly cfg: ChaosConfig
	) {
		this.rng = prng(cfg.seed).fork(name.length);
	}

	log(what: string) {
		console.log(`[chaos ${this.name} +${((Date.now() - this.started) / 1000).toFixed(1)}s] ${what}`);
	}

	async start() {
		this.server = await startServer();
		this.db = openDatabase(this.server.dbPath);
		this.proxy = await startProxy(portOf(this.server.url));
		const { voters, buildingId } = newBuilding(this.db, '压测楼', this.cfg.phones);
		this.voters = voters;
		({ meetingId: this.meetingId, joinCode: this.joinCode } = newMeeting(this.db, buildingId));
		this.console = connectSocket(this.proxy.url, {
			path: '/socket.io',
			transports: ['websocket'],
			extraHeaders: { cookie: staffCookie(this.db, 'facilitator') },
			forceNew: true,
			reconnectionDelayMax: 2000
		});
		// A clean shutdown disconnects from the server side, after which socket.io leaves reconnecting to us.
		this.console.on('disconnect', (reason) => {
			if (reason === 'io server disconnect') setTimeout(() => this.console.connect(), 500);
		});
		await this.ask('meeting:open', { meetingId: this.meetingId });
	}

	/** A console request, answered by whichever server is up (retried across restarts: only idempotent ones). */
	async ask<T>(event: string, payload: unknown, retry = true): Promise<T> {
		const giveUpAt = Date.now() + 120_000;
		for (;;) {
			try {
				if (!this.console.connected) throw new Error('console offline');
				const res: Ack<T> = await this.console.timeout(10_000).emitWithAck(event, payload);
				if (res.ok) return res.data;
				if (res.error.code !== 'RATE_LIMITED') throw new Error(`${event}: ${res.error.code}`);
			} catch (e) {
				if (!retry || Date.now() > giveUpAt || (e as Error).message.startsWith(event)) throw e;
			}
			await sleep(100);
		}
	}

	async consoleState(): Promise<MeetingState> {
		const { state } = await this.ask<{ state: MeetingState }>('meeting:join', {
			meetingId: this.meetingId,
			as: 'console'
		});
		return state;
	}

	async connectPhones() {
		this.phones = this.voters.map(
			(v, i) =>
				new Phone(
					this.proxy.url,
					v.residentId,
					v.cookie,
					this.meetingId,
					this.joinCode,
					this.ledger,
					i % this.cfg.pollingEvery === this.cfg.pollingEvery - 1 ? 'polling' : 'websocket'
				)
		);
		this.figures.clients.phones = this.phones.length;
		this.figures.clients.polling = this.phones.filter((p) => p.transport === 'polling').length;
		await eventually(() => this.phones.every((p) => p.joined), 'every phone to join', 120_000);
		this.log(`${this.phones.length} phones joined (${this.figures.clients.polling} long-polling only)`);
	}

	/** Two editors per document: the first lays down the structure, both then type. */
	async startEditors(everyMs: number) {
		const docs: Array<[DocKind, string, [string, string], [string, string]]> = [
			['agenda', `meeting:${this.meetingId}:agenda`, ['A', 'B'], ['committee', 'facilitator']],
			['rules', 'rules:1', ['C', 'D'], ['committee', 'admin']]
		];
		for (const [kind, docName, letters, users] of docs) {
			const [first, second] = letters.map(
				(letter, i) =>
					new Editor(
						letter,
						kind,
						this.proxy.url,
						docName,
						staffCookie(this.db, users[i]),
						this.rng.fork(letter.charCodeAt(0))
					)
			);
			await Promise.all([first.synced(), second.synced()]);
			prepareDoc(kind, first.doc);
			await eventually(() => structureReady(kind, second.doc), `${docName} to reach the second editor`);
			this.editors.push(first, second);
		}
		for (const e of this.editors) e.start(everyMs);
		this.figures.clients.editors = this.editors.length;
	}

	async openPoll(durationSeconds = 3600): Promise<number> {
		const { pollId } = await this.ask<{ pollId: number }>(
			'poll:open',
			{
				meetingId: this.meetingId,
				agendaItemId: null,
				question: `第${this.polls.length + 1}项：是否同意加装电梯？`,
				type: 'yesNoAbstain',
				rules: CHAOS_RULES,
				durationSeconds
			},
			false
		);
		const view = await this.pollView(pollId);
		this.deadlines.set(pollId, view.closesAt!);
		this.polls.push(pollId);
		this.figures.polls++;
		return pollId;
	}

	async pollView(pollId: number): Promise<PollView> {
		return (await this.consoleState()).polls.find((p) => p.id === pollId)!;
	}

	/** A poll's row and resolution, straight from the file. */
	storedPoll(pollId: number) {
		const p = this.db.select().from(poll).where(eq(poll.id, pollId)).get()!;
		const r = this.db.select().from(resolution).where(eq(resolution.pollId, pollId)).get();
		return { status: p.status, tally: r?.content.tally as { perOption: Record<string, number> } | undefined };
	}

	async closePoll(pollId: number) {
		this.deadlines.delete(pollId);
		return this.ask<{ resolutionId: number }>('poll:close', { pollId }, false);
	}

	/** Every phone votes once in this poll, each at a seeded moment within `spreadMs`. */
	scheduleVotes(pollId: number, spreadMs: number): Promise<void> {
		const choices = ['yes', 'yes', 'no', 'abstain'];
		return Promise.all(
			this.phones.map(async (p) => {
				const at = this.rng.int(0, spreadMs);
				const choice = this.rng.pick(choices);
				await sleep(at);
				p.vote(pollId, [choice]);
			})
		).then(() => undefined);
	}

	scheduleCheckIns(spreadMs: number): Promise<void> {
		return Promise.all(
			this.phones.map(async (p) => {
				await sleep(this.rng.int(0, spreadMs));
				p.checkIn();
			})
		).then(() => undefined);
	}

	async allAcknowledged(pollId: number, ms = Number(process.env.CHAOS_ACK_WAIT_MS ?? 180_000)) {
		const waitFrom = Date.now();
		const progress = setInterval(() => this.log(`waiting for ${this.stuck(pollId)}`), 10_000);
		try {
			await eventually(
				() => this.phones.every((p) => p.acknowledged(pollId) && p.checkInDone),
				`every ballot of poll ${pollId} and every check-in to be acknowledged`,
				ms,
				100
			);
			this.figures.settleMs.push(Date.now() - waitFrom);
		} catch (e) {
			this.log(`stuck phones: ${this.stuck(pollId)}`);
			this.log(`server output (tail): ${this.server.output().slice(-3000)}`);
			throw e;
		} finally {
			clearInterval(progress);
		}
	}

	/** Phones still waiting for an ack, grouped by what they are doing. */
	private stuck(pollId: number): string {
		const kinds = new Map<string, number>();
		for (const p of this.phones)
			if (!p.acknowledged(pollId) || !p.checkInDone)
				kinds.set(p.describe(pollId), (kinds.get(p.describe(pollId)) ?? 0) + 1);
		return JSON.stringify([...kinds]);
	}

	/** SIGKILL, then the checks on the file while nothing runs, then a restart on the same file. */
	async kill(check: () => void, downUntil = 0) {
		await this.server.stop('SIGKILL');
		this.figures.faults.sigkills++;
		await sleep(50); // let messages the proxy already holds arrive
		check();
		this.figures.midRunChecks++;
		if (downUntil > Date.now()) await sleep(downUntil - Date.now());
		await this.restart();
	}

	/** A clean shutdown (SIGTERM: sockets told, documents flushed) and a start on the same file. */
	async cleanRestart() {
		await this.server.stop('SIGTERM');
		this.figures.faults.cleanRestarts++;
		await this.restart();
	}

	private async restart() {
		const t = Date.now();
		this.server = await this.server.restart();
		this.proxy.setTarget(portOf(this.server.url));
		this.figures.restartMs.push(Date.now() - t);
	}

	/** Every connection cut at once; optionally nobody gets through for `downMs` after. */
	async storm(downMs = 0) {
		if (downMs > 0) this.proxy.refuse(true);
		this.figures.faults.connectionsCut += this.proxy.dropAll();
		this.figures.faults.storms++;
		if (downMs > 0) {
			await sleep(downMs);
			this.figures.faults.refusedMs += downMs;
			this.proxy.refuse(false);
		}
	}

	/** Stops the editors typing and waits until each pair holds every edit both typed. */
	async settleEditors(ms = 120_000) {
		for (const e of this.editors) e.stop();
		for (let i = 0; i < this.editors.length; i += 2) {
			const [a, b] = [this.editors[i], this.editors[i + 1]];
			await eventually(
				() => a.typed.every((t) => b.seen.has(t)) && b.typed.every((t) => a.seen.has(t)),
				`${a.kind} editors to converge`,
				ms,
				100
			);
		}
	}

	/** What the file must hold at any moment: acknowledged ballots and check-ins, edits peers saw, open polls. */
	checkFile(final = false): Findings {
		const f = noFindings();
		merge(f, checkBallots(this.db, this.ledger, this.polls));
		merge(f, checkAttendance(this.db, this.meetingId, this.ledger));
		for (let i = 0; i < this.editors.length; i += 2) {
			const pair = [this.editors[i], this.editors[i + 1]];
			// Before the end only what reached the other editor must be there; at the end, everything.
			const mustHave = final ? pair.flatMap((e) => e.typed) : pair.flatMap((e) => [...e.seen]);
			if (!final) this.figures.edits.seenByPeerAtFaults += mustHave.length;
			merge(f, checkDoc(this.db, pair[0].kind, pair[0].provider.roomname, mustHave));
		}
		merge(f, checkOpenPolls(this.db, this.deadlines));
		return f;
	}

	/** After a restart the server itself reports the open polls with their deadlines. */
	async checkServerPolls(): Promise<Findings> {
		const f = noFindings();
		const state = await this.consoleState();
		for (const [pollId, closesAt] of this.deadlines) {
			const view = state.polls.find((p) => p.id === pollId);
			if (view?.status !== 'open' || view.closesAt !== closesAt)
				f.wrong.push(`server shows poll ${pollId} as ${view?.status} closing at ${view?.closesAt}`);
		}
		return f;
	}

	/**
	 * Once every phone's ballot is acknowledged: one stored ballot per phone, the live tally the server
	 * reports equal to the stored ballots, and the same count in the resolution when the poll closes.
	 */
	async settlePoll(pollId: number): Promise<Findings> {
		const f = noFindings();
		const stored = storedBallotCount(this.db, pollId);
		this.figures.ballots.stored += stored;
		if (stored !== this.phones.length)
			f.wrong.push(`poll ${pollId}: ${stored} ballots stored for ${this.phones.length} phones`);
		const counted = storedTally(this.db, pollId);
		const view = await this.pollView(pollId);
		if (
			JSON.stringify(view.tally?.perOption) !== JSON.stringify(counted) ||
			view.tally?.participating !== stored
		)
			f.wrong.push(
				`poll ${pollId}: server tally ${JSON.stringify(view.tally)} vs stored ${JSON.stringify(counted)}`
			);
		await this.closePoll(pollId);
		const r = this.db.select().from(resolution).where(eq(resolution.pollId, pollId)).get();
		const tally = r?.content.tally as { perOption: Record<string, number> } | undefined;
		if (JSON.stringify(tally?.perOption) !== JSON.stringify(counted))
			f.wrong.push(
				`poll ${pollId}: resolution tally ${JSON.stringify(tally)} vs stored ${JSON.stringify(counted)}`
			);
		return f;
	}

	/** Tallies the findings into the figures. */
	record(f: Findings) {
		this.figures.lost += f.lost.length;
		this.figures.duplicated += f.duplicated.length;
		this.figures.wrong += f.wrong.length;
	}

	summarize() {
		const l = this.ledger;
		this.figures.joins = this.phones.reduce((n, p) => n + p.joins, 0);
		this.figures.ballots.sent = l.castsSent;
		this.figures.ballots.acknowledged = l.acked.size;
		this.figures.ballots.acks = [...l.acked.values()].reduce((n, a) => n + a.receipts.length, 0);
		this.figures.ballots.duplicateAcks =
			this.figures.ballots.acks - [...l.acked.values()].reduce((n, a) => n + a.fresh, 0);
		this.figures.checkIns.sent = l.checkInsSent;
		this.figures.checkIns.acknowledged = l.checkInsAcked.size;
		this.figures.edits.typed = this.editors.reduce((n, e) => n + e.typed.length, 0);
		return this.figures;
	}

	writeSummary(extra: Record<string, unknown> = {}) {
		// test-results/ is gitignored (Playwright empties it when it starts; the figures go into docs/reliability.md).
		const dir = fileURLToPath(new URL('../../../test-results/chaos/', import.meta.url));
		mkdirSync(dir, { recursive: true });
		const restart = this.figures.restartMs;
		const summary = {
			test: this.name,
			scale: this.cfg.scale,
			seed: this.cfg.seed,
			at: new Date().toISOString(),
			wallMs: Date.now() - this.started,
			restartMsMedian: restart.length
				? [...restart].sort((a, b) => a - b)[Math.floor(restart.length / 2)]
				: null,
			...this.summarize(),
			...extra
		};
		writeFileSync(`${dir}${this.name}-${this.cfg.scale}.json`, JSON.stringify(summary, null, '\t') + '\n');
		this.log(`summary: ${JSON.stringify(summary)}`);
		return summary;
	}

	async stop() {
		for (const e of this.editors) e.destroy();
		for (const p of this.phones) p.close();
		this.console?.close();
		await this.proxy?.close();
		this.db?.$client.close();
		await this.server?.cleanup();
	}
}
