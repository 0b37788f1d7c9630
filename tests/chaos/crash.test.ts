/**
 * Crash and restart (issue 8, part 1): the real server is SIGKILLed at seeded moments while 300 phones
 * vote, two editors type into an agenda and two into the village rules, and residents check in. While
 * it is dead the test reads the SQLite file: every acknowledged ballot and check-in is there once, every
 * edit another editor saw is in the stored document, open polls kept their deadlines. Then it restarts
 * on the same file; phones resend unacknowledged ballots with the same ids, editors resync.
 * CHAOS_SEED replays a schedule; CHAOS_SCALE=full (npm run test:chaos) runs more polls and kills.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chaosConfig, sleep } from './helpers/config';
import { Chaos } from './helpers/harness';
import { merge, noFindings } from './helpers/verify';

const cfg = chaosConfig();
const chaos = new Chaos('crash', cfg);
console.log(`[chaos crash] CHAOS_SEED=${cfg.seed} CHAOS_SCALE=${cfg.scale} (set both to replay this run)`);

afterAll(() => chaos.stop());

describe('SIGKILL at random moments', () => {
	it('loses and doubles no acknowledged ballot, check-in or seen edit, and keeps polls and tallies', async () => {
		const findings = noFindings();
		await chaos.start();
		await chaos.connectPhones();
		await chaos.startEditors(150);
		let checkIns: Promise<void> | undefined;
		for (let round = 0; round < cfg.rounds; round++) {
			const pollId = await chaos.openPoll();
			const votes = chaos.scheduleVotes(pollId, cfg.spreadMs);
			if (round === 0) checkIns = chaos.scheduleCheckIns(cfg.spreadMs * 2);
			for (let k = 0; k < cfg.killsPerRound; k++) {
				await sleep(chaos.rng.int(200, Math.floor(cfg.spreadMs / cfg.killsPerRound) + 800));
				const acked = chaos.ledger.acked.size;
				await chaos.kill(() => merge(findings, chaos.checkFile()));
				merge(findings, await chaos.checkServerPolls());
				chaos.log(
					`poll ${pollId}: SIGKILL #${chaos.figures.faults.sigkills} with ${acked} ballots acknowledged; restarted in ${chaos.figures.restartMs.at(-1)} ms`
				);
			}
			await votes;
			await checkIns;
			await chaos.allAcknowledged(pollId);
			merge(findings, await chaos.settlePoll(pollId));
			chaos.log(`poll ${pollId}: all ${chaos.phones.length} ballots acknowledged and counted`);
		}
		await chaos.settleEditors();
		// The last fault too is a SIGKILL; then the file is read with nothing running.
		await chaos.server.stop('SIGKILL');
		chaos.figures.faults.sigkills++;
		const final = chaos.checkFile(true);
		merge(findings, final);
		chaos.summarize();
		chaos.figures.checkIns.stored =
			chaos.ledger.checkInsAcked.size - final.lost.filter((l) => l.startsWith('check-in')).length;
		chaos.figures.edits.stored =
			chaos.figures.edits.typed - final.lost.filter((l) => l.includes(': edit ')).length;
		chaos.record(findings);
		chaos.writeSummary();

		expect(findings).toEqual(noFindings());
		expect(chaos.ledger.refusals).toEqual([]);
		expect(chaos.figures.faults.sigkills).toBe(cfg.rounds * cfg.killsPerRound + 1);
		expect(chaos.figures.ballots.acknowledged).toBe(cfg.rounds * cfg.phones);
		expect(chaos.figures.checkIns.acknowledged).toBe(cfg.phones);
	});
});
