/**
 * Network faults: every connection cut at once (the courtyard's Wi-Fi drops) and
 * all 300 phones reconnecting together, sometimes into a network that refuses them for a moment;
 * phones that send one ballot id many times, at once and one after another; phones on long-polling
 * only; editors that go offline, keep typing, and come back after the server restarted. In the end:
 * every phone's ballot stored once, every edit in every copy of each document once, all copies equal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chaosConfig, eventually, sleep } from './helpers/config';
import { Chaos } from './helpers/harness';
import { tokensIn } from './helpers/editor';
import { merge, noFindings, storedTokens } from './helpers/verify';

const cfg = chaosConfig();
const chaos = new Chaos('network', cfg);
console.log(`[chaos network] CHAOS_SEED=${cfg.seed} CHAOS_SCALE=${cfg.scale} (set both to replay this run)`);

afterAll(() => chaos.stop());

describe('network faults', () => {
	it('converges without duplicates through reconnect storms, resent ballot ids, long-polling and offline editing', async () => {
		const findings = noFindings();
		await chaos.start();
		await chaos.connectPhones();
		await chaos.startEditors(150);
		const step = Math.max(1, Math.floor(chaos.phones.length / cfg.resenders));
		const resenders = chaos.phones.filter((_, i) => i % step === 0).slice(0, cfg.resenders);

		// One editor of each document goes offline, keeps typing, and returns after a clean restart.
		const away = chaos.editors.filter((_, i) => i % 2 === 1);
		const offline = (async () => {
			await sleep(chaos.rng.int(500, 1500));
			for (const e of away) e.provider.disconnect();
			const typedBefore = away.map((e) => e.typed.length);
			await sleep(cfg.offlineMs / 2);
			await chaos.cleanRestart();
			chaos.log(`clean restart while ${away.length} editors are offline`);
			await sleep(cfg.offlineMs / 2);
			const typedOffline = away.reduce((n, e, i) => n + e.typed.length - typedBefore[i], 0);
			for (const e of away) e.provider.connect();
			chaos.log(`offline editors back after ${cfg.offlineMs} ms with ${typedOffline} edits made offline`);
			return typedOffline;
		})();

		const stormsPerRound = Math.max(1, Math.round(cfg.storms / cfg.stormRounds));
		let checkIns: Promise<void> | undefined;
		let duplicatesAnswered = 0;
		for (let round = 0; round < cfg.stormRounds; round++) {
			const pollId = await chaos.openPoll();
			const votes = chaos.scheduleVotes(pollId, cfg.spreadMs);
			if (round === 0) checkIns = chaos.scheduleCheckIns(cfg.spreadMs * 2);
			const hammers = resenders.map(async (p) => {
				await eventually(() => p.ballots.has(pollId), 'a resender to make its ballot', 60_000);
				await sleep(chaos.rng.int(0, 1000));
				await p.hammer(pollId, cfg.resendCopies);
			});
			for (let k = 0; k < stormsPerRound; k++) {
				await sleep(chaos.rng.int(300, Math.floor(cfg.spreadMs / stormsPerRound) + 500));
				// Every other storm, the network stays down for a moment before phones may come back.
				const downMs = k % 2 === 1 ? chaos.rng.int(500, 2000) : 0;
				const acked = chaos.ledger.acked.size;
				await chaos.storm(downMs);
				chaos.log(
					`poll ${pollId}: storm #${chaos.figures.faults.storms} cut ${chaos.figures.faults.connectionsCut} connections so far (${acked} ballots acknowledged${downMs ? `, down ${downMs} ms` : ''})`
				);
				await eventually(
					() => chaos.phones.every((p) => p.joined),
					'every phone to rejoin after the storm',
					120_000
				);
			}
			await Promise.all([votes, checkIns, ...hammers]);
			await chaos.allAcknowledged(pollId);
			// Acknowledged already: more copies, one after another, are answered as the same ballot.
			const before = chaos.summarize().ballots.acks;
			await Promise.all(resenders.map((p) => p.hammer(pollId, cfg.resendCopies, true)));
			duplicatesAnswered += chaos.summarize().ballots.acks - before;
			merge(findings, await chaos.settlePoll(pollId));
			chaos.log(`poll ${pollId}: all ${chaos.phones.length} ballots acknowledged and counted`);
		}
		const typedOffline = await offline;
		await chaos.settleEditors();
		// Every copy of each document holds the same edits, each once.
		for (let i = 0; i < chaos.editors.length; i += 2) {
			const [a, b] = [chaos.editors[i], chaos.editors[i + 1]];
			const inA = tokensIn(a.kind, a.doc);
			const inB = tokensIn(b.kind, b.doc);
			if (inA.join() !== inB.join()) findings.wrong.push(`${a.provider.roomname}: editors differ`);
			if (new Set(inA).size !== inA.length) findings.duplicated.push(`${a.provider.roomname}: an edit twice`);
			const stored = storedTokens(chaos.db, a.kind, a.provider.roomname);
			if (stored.join() !== inA.join()) findings.wrong.push(`${a.provider.roomname}: stored copy differs`);
		}
		await chaos.server.stop('SIGTERM');
		const final = chaos.checkFile(true);
		merge(findings, final);
		chaos.summarize();
		chaos.figures.checkIns.stored =
			chaos.ledger.checkInsAcked.size - final.lost.filter((l) => l.startsWith('check-in')).length;
		chaos.figures.edits.stored =
			chaos.figures.edits.typed - final.lost.filter((l) => l.includes(': edit ')).length;
		chaos.record(findings);
		chaos.writeSummary({
			resenders: resenders.length,
			resendCopies: cfg.resendCopies,
			duplicatesAnswered,
			typedOffline
		});

		expect(findings).toEqual(noFindings());
		expect(chaos.ledger.refusals).toEqual([]);
		expect(chaos.figures.ballots.acknowledged).toBe(cfg.stormRounds * cfg.phones);
		expect(chaos.figures.ballots.duplicateAcks).toBeGreaterThan(0);
		expect(typedOffline).toBeGreaterThan(0);
	});
});
