import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../core/clock';
import { validateConfig } from '../config/config';
import { Db } from '../core/db';
import { silentLogger } from '../core/logger';
import { createRowBudget } from '../core/rowBudget';
import { detectNativeCapabilities } from '../bridge/nativeCapabilities';
import { readTicketStateRange } from '../bridge/nativeTickets';
import { COMPUTED_USER_FIELDS } from '../schema/ticketUserFields';
import { generateTickets } from '../fixtures/generate';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { mirroredMessageIds } from '../sync/store/messages';
import { setAsideInRange } from '../store/setAside';
import { readStateRange } from '../sync/store/ticketStates';
import { syncOnce } from '../sync/syncOnce';
import { SyncDeps, SyncPassResult } from '../sync/types';
import { reconcilePaceFor } from '../sync/reconcilePace';
import { scratchDatabase } from '../demo/scratchDatabase';
import { measureServerLoad, ServerLoad } from './serverLoad';
import { installForBench } from './installForBench';
import { rawRows } from '../core/rawRows';
import { refreshAfterSync } from '../escalator/state/refreshAfterSync';

/**
 * One reconciliation cycle over 200,000 tickets × ~7 message rows (BXSUP_BENCH_RECONCILE_TICKETS), after
 * a first sync, on the benchmark's own server. Measured in the same run:
 * - the cycle as it is (`reconcile: 'full'`: unpaced, per-range digests);
 * - the old design's reads of the same cycle, as the reference floor: per range of sync.batchSize the
 *   same ticket reads, and every non-log message ID of the range's tickets read into Node with the
 *   mirror's IDs (what bridge/nativeMessages.ts nonLogMessageIds sent before the digests);
 * - the paced sweep ('auto', daemon-like passes every poll interval with one budget and the daemon's
 *   pace, sync/reconcilePace.ts) for a while after its first pass (which spends the credit a cycle may
 *   start with): the rows per second it made the server examine, against the pace (the cycle's rows over
 *   sync.reconcileCycleMinutes) and db.maxRowsPerSecond, and the cycle length that rate projects.
 */
export async function benchReconcile(
  options: { tickets?: number; pacedSeconds?: number } = {},
): Promise<Record<string, number | string>> {
  const tickets = options.tickets ?? Number(process.env.BXSUP_BENCH_RECONCILE_TICKETS ?? 200_000);
  const pacedSeconds = options.pacedSeconds ?? Number(process.env.BXSUP_BENCH_RECONCILE_PACED_S ?? 30);
  const bench = await scratchDatabase('reconcile');
  try {
    await loadBitrixFixture(bench.db, { zone: FIXTURE.zone });
    await generateTickets(bench.db, {
      tickets,
      messagesPerTicket: 6,
      zone: FIXTURE.zone,
      startAt: new Date('2023-01-09T06:00:00Z'),
      batchSize: 2000,
    });
    await installForBench(bench.db, bench.target);
    const config = validateConfig({ site: { timeZone: FIXTURE.zone }, sync: { reconcileIntervalMs: 1000 } });
    const deps: SyncDeps = {
      db: bench.db,
      config,
      logger: silentLogger(),
      clock: systemClock,
      zone: FIXTURE.zone,
      afterPass: refreshAfterSync,
    };
    await syncOnce(deps, { reconcile: 'off' });
    // The passes after a first sync catch up the SLA of open tickets, a batch each (minutes at this size,
    // the escalation's work, not measured here): marked done, so the passes measured below do nothing but
    // the reconciliation and an idle poll.
    await bench.db('bl_support_ticket').update({ sla_stale: 0 });
    await bench.db.raw(
      'ANALYZE TABLE b_ticket, b_ticket_message, b_uts_support, bl_support_ticket, bl_support_message',
    );
    const counts = await rawRows<{ t: number; m: number }>(
      bench.db,
      'SELECT (SELECT COUNT(*) FROM b_ticket) AS t, (SELECT COUNT(*) FROM b_ticket_message) AS m',
    );

    const idle = await measureServerLoad(bench.db, () => syncOnce(deps, { reconcile: 'off' }));
    const old = await measureServerLoad(bench.db, () => oldCycleReads(bench.db, config.sync.batchSize));
    let result: SyncPassResult | undefined;
    const cycle = await measureServerLoad(bench.db, async () => {
      result = await syncOnce(deps, { reconcile: 'full' });
    });
    if (!result?.reconciled) throw new Error('the reconciliation cycle did not finish');
    if (result.messages || result.changedTickets || result.tickets || result.deletedTickets)
      throw new Error(`the cycle found differences after a first sync: ${JSON.stringify(result)}`);
    const sweep = minusIdle(cycle, idle, 1);
    const paced = await pacedSweep(bench.db, deps, pacedSeconds);
    const budget = config.db.maxRowsPerSecond;
    const cycleSeconds = config.sync.reconcileCycleMinutes * 60;
    // What the pace aims at once it knows the cycle's rows: the cycle's rows over its length.
    const pace = Math.min(budget, sweep.rowsExamined / cycleSeconds);
    return {
      tickets: Number(counts[0].t),
      'message rows': Number(counts[0].m),
      'cycle time (s)': round(sweep.ms / 1000, 2),
      'cycle statements': sweep.statements,
      'cycle rows examined': sweep.rowsExamined,
      'cycle MB sent': round(sweep.bytesSent / 1e6, 2),
      'old reads time (s)': round(old.ms / 1000, 2),
      'old reads statements': old.statements,
      'old reads rows examined': old.rowsExamined,
      'old reads MB sent': round(old.bytesSent / 1e6, 2),
      'rows ratio to old': round(sweep.rowsExamined / old.rowsExamined, 2),
      'bytes ratio to old': round(sweep.bytesSent / old.bytesSent, 3),
      'db.maxRowsPerSecond': budget,
      'sync.reconcileCycleMinutes': config.sync.reconcileCycleMinutes,
      'pace: cycle rows / cycle length (rows/s)': round(pace, 1),
      'paced: seconds measured': round(paced.seconds, 1),
      'paced: passes': paced.passes,
      'paced: rows in the first pass (the credit a cycle starts with)': paced.firstPassRows,
      'paced: rows/s examined by the sweep after it': round(paced.rowsPerSecond, 1),
      'paced: ratio to the pace': round(paced.rowsPerSecond / pace, 2),
      'paced: ratio to budget': round(paced.rowsPerSecond / budget, 3),
      'paced: tickets per second': round(paced.ticketsPerSecond, 1),
      'projected cycle at the paced rate (h)': round(sweep.rowsExamined / paced.rowsPerSecond / 3600, 2),
      'shortest cycle the budget allows (min)': round(sweep.rowsExamined / budget / 60, 1),
    };
  } finally {
    await bench.close();
  }
}

/** What the old sweep read for a cycle, range by range, with nothing to repair (the mirror is in step). */
async function oldCycleReads(db: Db, batchSize: number): Promise<void> {
  const messageCursor = Number((await db('b_ticket_message').max({ m: 'ID' }))[0].m);
  const caps = await detectNativeCapabilities(db, {
    computedFields: COMPUTED_USER_FIELDS.map((f) => f.fieldName),
  });
  const uf = { orderId: caps.ufOrderId !== null, computed: caps.computedFields };
  for (let position = 0; ;) {
    const states = await readTicketStateRange(db, position, batchSize, uf);
    const to = states.length ? Number(states[states.length - 1].ID) : position + 1;
    await readStateRange(db, position + 1, to);
    await setAsideInRange(db, position + 1, to);
    // The old nonLogMessageIds, as it was.
    await db('b_ticket_message')
      .select('ID', 'TICKET_ID')
      .whereBetween('TICKET_ID', [position + 1, to])
      .andWhere('ID', '<=', messageCursor)
      .andWhere('IS_LOG', '<>', 'Y')
      .orderBy('ID');
    await mirroredMessageIds(db, position + 1, to);
    if (states.length < batchSize) return;
    position = to;
  }
}

/**
 * Daemon-like passes every poll interval, one budget and the daemon's pace across them, for `seconds`
 * after a first pass; the sweep's rows are the passes' rows less as many idle passes'.
 */
async function pacedSweep(db: Db, deps: SyncDeps, seconds: number) {
  const idle = await measureServerLoad(db, () => syncOnce(deps, { reconcile: 'off' }));
  const rowBudget = createRowBudget(deps.config.db.maxRowsPerSecond);
  const paced: SyncDeps = { ...deps, rowBudget, reconcilePace: reconcilePaceFor(deps.config) };
  // A new cycle is due (reconcileIntervalMs is 1 s here).
  await sleep(1100);
  const first = await measureServerLoad(db, () => syncOnce(paced, { reconcile: 'auto' }));
  let passes = 0;
  const startPosition = await position(db);
  let cycles = 0;
  const load = await measureServerLoad(db, async () => {
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const started = Date.now();
      if ((await syncOnce(paced, { reconcile: 'auto' })).reconciled) cycles++;
      passes++;
      await sleep(Math.max(0, deps.config.sync.pollIntervalMs - (Date.now() - started)));
    }
  });
  const moved = cycles > 0 ? NaN : (await position(db)) - startPosition;
  const sweep = minusIdle(load, idle, passes);
  return {
    firstPassRows: minusIdle(first, idle, 1).rowsExamined,
    seconds: load.ms / 1000,
    passes,
    rowsPerSecond: sweep.rowsExamined / (load.ms / 1000),
    ticketsPerSecond: moved / (load.ms / 1000),
  };
}

async function position(db: Db): Promise<number> {
  return Number(
    (await db('bl_support_cursor').where('name', 'reconcile_position').first('value'))?.value ?? 0,
  );
}

function minusIdle(load: ServerLoad, idle: ServerLoad, passes: number): ServerLoad {
  return {
    ms: load.ms,
    statements: load.statements - idle.statements * passes,
    rowsExamined: load.rowsExamined - idle.rowsExamined * passes,
    innodbRowsRead: load.innodbRowsRead - idle.innodbRowsRead * passes,
    pagesReadFromDisk: load.pagesReadFromDisk - idle.pagesReadFromDisk * passes,
    bytesSent: load.bytesSent - idle.bytesSent * passes,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
