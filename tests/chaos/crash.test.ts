/**
 * Crash and restart: the real server is SIGKILLed at seeded moments while 300 phones
 * vote, two editors type into an agenda and two into the village rules, and residents check in. While
 * it is dead the test reads the SQLite file: every acknowledged ballot and check-in is there once, every
 * edit another editor saw is in the stored document, open polls kept their deadlines. Then it restarts
 * on the same file; phones resend unacknowledged ballots with the same ids, editors resync.
 * CHAOS_SEED replays a schedule; CHAOS_SCALE=full (npm run test:chaos) runs more polls and kills.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chaosConfig, eventually, sleep } from './helpers/config';
import { Chaos } from './helpers/harness';
import { merge, noFindings, storedBallotCount, storedTally } from './helpers/verify';

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
		// A poll whose deadline passes while the server is dead: the restarted server closes it with the
		// ballots acknowledged before; a phone resending an acknowledged ballot is told it counted, one
		// resending a ballot that never made it is told the poll closed.
		const shortPoll = await chaos.openPoll(10);
		const closesAt = chaos.deadlines.get(shortPoll)!;
		chaos.deadlines.delete(shortPoll); // it is meant to close
		const shortVotes = chaos.scheduleVotes(shortPoll, 4_000);
		await sleep(Math.max(0, closesAt - 10_000 + chaos.rng.int(2_000, 5_000) - Date.now()));
		await chaos.kill(() => merge(findings, chaos.checkFile()), closesAt + 500);
		await shortVotes;
		await chaos.allAcknowledged(shortPoll);
		// The restarted server closes overdue polls from a timer armed at start (ballots are refused by
		// the deadline itself meanwhile), so give it a moment after it starts listening.
		await eventually(
			() => chaos.storedPoll(shortPoll).status === 'closed',
			'the overdue poll to close',
			10_000
		).catch(() => undefined);
		const afterDeadline = chaos.storedPoll(shortPoll);
		const countedShort = storedTally(chaos.db, shortPoll);
		const ackedShort = chaos.ledger.ackedBallotIds(shortPoll).length;
		if (afterDeadline.status !== 'closed')
			findings.wrong.push(`poll ${shortPoll} still ${afterDeadline.status} after its deadline`);
		if (JSON.stringify(afterDeadline.tally?.perOption) !== JSON.stringify(countedShort))
			findings.wrong.push(
				`poll ${shortPoll}: resolution ${JSON.stringify(afterDeadline.tally)} vs stored ${JSON.stringify(countedShort)}`
			);
		if (storedBallotCount(chaos.db, shortPoll) !== ackedShort)
			findings.wrong.push(
				`poll ${shortPoll}: ${storedBallotCount(chaos.db, shortPoll)} stored, ${ackedShort} acknowledged`
			);
		// The refusals this poll earns are the expected POLL_CLOSED of ballots that never made it in.
		const late = chaos.ledger.refusals.filter((r) => r.endsWith(': POLL_CLOSED'));
		chaos.ledger.refusals = chaos.ledger.refusals.filter((r) => !late.includes(r));
		chaos.log(
			`poll ${shortPoll}: deadline passed while dead; ${ackedShort} ballots counted, ${late.length} refused as late`
		);

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
		chaos.writeSummary({ deadlinePoll: { acknowledged: ackedShort, refusedAsLate: late.length } });

		expect(findings).toEqual(noFindings());
		expect(chaos.ledger.refusals).toEqual([]);
		expect(chaos.figures.faults.sigkills).toBe(cfg.rounds * cfg.killsPerRound + 2);
		expect(chaos.figures.ballots.acknowledged).toBe(cfg.rounds * cfg.phones + ackedShort);
		expect(ackedShort + late.length).toBe(cfg.phones);
		expect(chaos.figures.checkIns.acknowledged).toBe(cfg.phones);
	});
});
