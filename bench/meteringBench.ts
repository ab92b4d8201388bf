import { performance } from 'node:perf_hooks';
import { FixedClock } from '../core/clock';
import { validateConfig } from '../config/config';
import { Db, openDb } from '../core/db';
import { silentLogger } from '../core/logger';
import { measureReadCost } from '../daemon/dbLoad/sessionCounters';
import { createWorkerPools } from '../daemon/dbLoad/workerPools';
import { generateTickets } from '../fixtures/generate';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { syncOnce } from '../sync/syncOnce';
import { scratchDatabase } from '../demo/scratchDatabase';
import { measureServerLoad } from './serverLoad';
import { installForBench } from './installForBench';
import { refreshAfterSync } from '../escalator/state/refreshAfterSync';

/**
 * What metering the daemon's workers costs (daemon/dbLoad/workerPools.ts): the idle sync poll — the
 * cheapest unit of work the daemon repeats, so where a per-unit overhead shows most — on a plain pool
 * against the same poll on a metered pool read after every poll (the daemon reads only at each
 * heartbeat and scrape, so this is the worst case), and read after every 5th poll (the daemon's cadence
 * at the default 2 s poll and 10 s heartbeat). Alternating rounds, the best of each counts; the
 * server's own counters say how many statements each side sent per poll.
 */
export async function benchMetering(
  options: { tickets?: number; polls?: number; rounds?: number } = {},
): Promise<Record<string, number | string>> {
  const tickets = options.tickets ?? Number(process.env.BXSUP_BENCH_METERING_TICKETS ?? 5000);
  const polls = options.polls ?? 100;
  const rounds = options.rounds ?? 3;
  const bench = await scratchDatabase('bench_metering');
  const plain = openDb(bench.target, { poolMax: 3 });
  const pools = createWorkerPools(bench.target, { readCost: await measureReadCost(bench.db) });
  const metered = pools.open('sync', 3);
  try {
    await loadBitrixFixture(bench.db, { zone: FIXTURE.zone });
    await generateTickets(bench.db, {
      tickets,
      messagesPerTicket: 3,
      zone: FIXTURE.zone,
      startAt: new Date('2023-01-09T06:00:00Z'),
      batchSize: 2000,
    });
    const now = new Date();
    await installForBench(bench.db, bench.target, now);
    const config = validateConfig({ site: { timeZone: FIXTURE.zone } });
    const deps = (db: Db) => ({
      db,
      config,
      logger: silentLogger(),
      clock: new FixedClock(now),
      zone: FIXTURE.zone,
      afterPass: refreshAfterSync,
    });
    await syncOnce(deps(plain));

    // settleEvery: read the counters after every n-th poll (0: never, the plain pool).
    const round = async (db: Db, settleEvery: number) => {
      let ms = 0;
      const load = await measureServerLoad(bench.db, async () => {
        const started = performance.now();
        for (let i = 1; i <= polls; i++) {
          await syncOnce(deps(db));
          if (settleEvery && i % settleEvery === 0) await pools.settle();
        }
        ms = performance.now() - started;
      });
      return { msPerPoll: ms / polls, statementsPerPoll: load.statements / polls };
    };
    await round(plain, 0);
    await round(metered, 1);
    type Round = { msPerPoll: number; statementsPerPoll: number };
    const plainRounds: Round[] = [];
    const meteredRounds: Round[] = [];
    const daemonRounds: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      plainRounds.push(await round(plain, 0));
      meteredRounds.push(await round(metered, 1));
      // The daemon's cadence: a read at each 10 s heartbeat, five polls at the default 2 s.
      daemonRounds.push(await round(metered, 5));
    }
    const best = (xs: Array<{ msPerPoll: number }>) => Math.min(...xs.map((x) => x.msPerPoll));
    const cost = await measureReadCost(bench.db);
    return {
      tickets,
      'polls per round': polls,
      rounds,
      'plain poll (ms)': round2(best(plainRounds)),
      'metered poll, read after each (ms)': round2(best(meteredRounds)),
      'ratio metered / plain': round2(best(meteredRounds) / best(plainRounds)),
      'metered poll, read every 5th (ms)': round2(best(daemonRounds)),
      'ratio every 5th / plain': round2(best(daemonRounds) / best(plainRounds)),
      'statements per poll, plain': round2(plainRounds[0].statementsPerPoll),
      'statements per poll, metered': round2(meteredRounds[0].statementsPerPoll),
      'statements per poll, every 5th': round2(daemonRounds[0].statementsPerPoll),
      'one counter read (statements, rows examined, bytes in/out)': `${cost.statements}, ${cost.rowsExamined}, ${cost.bytesReceived}/${cost.bytesSent}`,
      rounds_plain: plainRounds.map((x) => round2(x.msPerPoll)).join(' '),
      rounds_metered: meteredRounds.map((x) => round2(x.msPerPoll)).join(' '),
      rounds_every_5th: daemonRounds.map((x) => round2(x.msPerPoll)).join(' '),
    };
  } finally {
    await pools.destroy();
    await plain.destroy();
    await bench.close();
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
