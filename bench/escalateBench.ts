import { performance } from 'node:perf_hooks';
import { validateConfig } from '../config/config';
import { instantToUtc } from '../core/time';
import { silentLogger } from '../core/logger';
import { createAgentContext } from '../escalator/agent/context';
import { dueTicketsQuery } from '../escalator/agent/dueTickets';
import { runEscalationPass } from '../escalator/agent/pass';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { throwawayServer } from '../demo/privateServer';
import { scratchDatabase } from '../demo/scratchDatabase';
import { benchInstallCatchUp } from './escalateCatchUp';
import { batchedWritesFloorMs, copyTables } from './escalateFloor';
import { measureServerLoad } from './serverLoad';
import { fillEscalationTables } from './escalateData';
import { BIG_TABLES, captureQueries, fullScans } from './explainQueries';
import { installForBench } from './installForBench';
import { rawRows } from '../core/rawRows';
import { Db, openDb } from '../core/db';
import { ESCALATION_POOL_SIZE } from '../daemon/dbLoad/daemonPools';
import { cpuSnapshot, cpuSpent } from './processCpu';

/**
 * One escalation pass over a big site: 1,000,000 rows in bl_support_ticket (BXSUP_BENCH_ESCALATE_TICKETS),
 * 10,000 open, 500 due (each: a superseded warning and a breach that raises the criticality, writes a log
 * line and queues a notice). Compared, in the same run, with a bare indexed SELECT of the same 500 IDs
 * and with the batched-writes floor (escalateFloor.ts: the rows the pass must leave, written to a copy
 * as four multi-row statements in one transaction; target: the pass ≤ 3× that); every query the pass
 * sends is EXPLAINed and a full scan of a big table is reported. Then the first pass after install
 * with 50,000 overdue open tickets (BXSUP_BENCH_CATCHUP_TICKETS; escalateCatchUp.ts; target ≤ 10 s).
 *
 * The private server gets a buffer pool that holds the bench's data (BENCH_BUFFER_POOL_MB). With the
 * binary's default 128 MB the filled tables do not fit: the pass read ~500 pages from disk (pages of the
 * big tables the fill wrote and later statements pushed out) while the floor, on copies made just
 * before it, read none, so the two were compared from different cache states. A shop's server with a
 * million tickets has a pool sized for its data, and the sync's polls keep the open tickets' pages in
 * it. The pages each side read from disk are printed; a server named by BXSUP_DB_URL is taken as it is.
 */
const BENCH_BUFFER_POOL_MB = 1024;

export async function benchEscalation(
  options: { tickets?: number } = {},
): Promise<Record<string, number | string>> {
  const tickets = options.tickets ?? Number(process.env.BXSUP_BENCH_ESCALATE_TICKETS ?? 1_000_000);
  const now = new Date('2024-03-20T12:00:00Z');
  const INSTALLED = new Date('2024-03-01T00:00:00Z');
  const server = await throwawayServer(process.env, { bufferPoolMb: BENCH_BUFFER_POOL_MB });
  const bench = await scratchDatabase('escalate', server);
  const copy = await scratchDatabase('escalate_floor', server);
  let agentDb: Db | null = null;
  try {
    await loadBitrixFixture(bench.db, { zone: FIXTURE.zone });
    // Installed well before: the due points are news, not history recorded at install.
    await installForBench(bench.db, bench.target, INSTALLED);
    // The fixture's own tickets are not part of the measured data.
    await bench.db('bl_support_ticket').delete();
    const fillStart = performance.now();
    const filled = await fillEscalationTables(bench.db, { tickets, openEvery: 100, dueEvery: 20, now });
    const fillMs = performance.now() - fillStart;

    const bare = await bareSelectMs(bench.db, now, filled.due);
    await copyTables(bench.target.database, copy.db);
    const dueIds = ((await dueTicketsQuery(bench.db, now, filled.due)) as Array<{ id: number }>).map((r) =>
      Number(r.id),
    );
    let floor = 0;
    const floorLoad = await measureServerLoad(bench.db, async () => {
      floor = await batchedWritesFloorMs(
        copy.db,
        dueIds,
        now,
        FIXTURE.zone,
        FIXTURE.dictionary.criticality.s1.high,
      );
    });
    // The pass on a pool of the escalation worker's size, as the daemon runs it: the next batch's reads
    // go out beside the current batch's transaction (on the bench's two connections they queued).
    agentDb = openDb(bench.target, { poolMax: ESCALATION_POOL_SIZE });
    const agent = await createAgentContext({
      db: agentDb,
      target: bench.target,
      logger: silentLogger(),
      config: validateConfig({ site: { timeZone: FIXTURE.zone } }),
    });
    const capture = captureQueries(agentDb);
    let result: Awaited<ReturnType<typeof runEscalationPass>> | undefined;
    // CPU time over the pass: this process's (its main thread apart from V8's helper threads, which
    // compile the code the pass makes hot and share the machine's cores with the server) and the private
    // server's. The main thread's share of the pass says how much of it the pass waits on the server.
    let cpu: Record<string, number> = {};
    const load = await measureServerLoad(bench.db, async () => {
      const before = cpuSnapshot();
      result = await runEscalationPass(agent, now);
      cpu = cpuSpent(before, cpuSnapshot());
    });
    const cpuMs = cpu.self;
    const passMs = load.ms;
    capture.stop();
    if (!result) throw new Error('bench: the pass did not run');
    if (result.examined !== filled.due || result.failed > 0 || result.applied !== filled.due) {
      throw new Error(
        `bench: the pass examined ${result.examined} of ${filled.due} due tickets, ${result.failed} failed`,
      );
    }
    const scans = await fullScans(bench.db, capture.queries, BIG_TABLES);
    const pool = await bufferPool(bench.db);
    const plan = await rawRows<{ type: string; key: string | null; rows: number }>(
      bench.db,
      `EXPLAIN ${dueTicketsQuery(bench.db, now, filled.due).toString()}`,
    );
    await agentDb.destroy();
    agentDb = null;
    await Promise.all([copy.close(), bench.close()]);
    const catchUpTickets = Number(process.env.BXSUP_BENCH_CATCHUP_TICKETS ?? 50_000);
    const catchUp = await benchInstallCatchUp(server, catchUpTickets);
    return {
      'rows in bl_support_ticket': tickets,
      open: filled.open,
      due: filled.due,
      fill: filled.method,
      'fill (s)': round(fillMs / 1000, 1),
      'pass (ms)': Math.round(passMs),
      'actions applied': result.applied,
      'bare indexed SELECT (ms)': round(bare, 2),
      'ratio to bare SELECT': Math.round(passMs / bare),
      'ms per due ticket': round(passMs / filled.due, 2),
      'Node CPU in the pass (ms)': Math.round(cpuMs),
      'Node CPU / pass time': round(cpuMs / passMs, 2),
      ...(cpu.mainThread === undefined
        ? {}
        : {
            "  of it Node's main thread (ms)": Math.round(cpu.mainThread),
            "  of it V8's helper threads (ms)": Math.round(cpuMs - cpu.mainThread),
            'main thread busy / pass time': round(cpu.mainThread / passMs, 2),
          }),
      ...(cpu.mariadbd === undefined ? {} : { 'server CPU in the pass (ms)': Math.round(cpu.mariadbd) }),
      'batched-writes floor (ms)': round(floor, 1),
      'server buffer pool (MB)': pool.bufferPoolMb,
      'data and indexes (MB)': pool.dataMb,
      'pages read from disk: pass': load.pagesReadFromDisk,
      'pages read from disk: floor': floorLoad.pagesReadFromDisk,
      'ratio to batched-writes floor': round(passMs / floor, 2),
      'target ≤ 3× floor': passMs / floor <= 3 ? 'met' : 'not met',
      'queries sent': capture.queries.length,
      'statements (server)': load.statements,
      'rows examined (server)': load.rowsExamined,
      'due query plan': `${plan[0].type} on ${plan[0].key} (${plan[0].rows} rows)`,
      'full scans of big tables': scans.length === 0 ? 'none' : scans.join('; '),
      'install catch-up: overdue open tickets': catchUpTickets,
      'install catch-up: refreshed': catchUp.refreshed,
      'install catch-up: points recorded': catchUp.recorded,
      'install catch-up: first pass (s)': round(catchUp.seconds, 2),
      'install catch-up: writes floor (s)': round(catchUp.floorSeconds, 2),
      'install catch-up: ratio to floor': round(catchUp.seconds / catchUp.floorSeconds, 2),
      'target ≤ 10 s': catchUp.seconds <= 10 ? 'met' : 'not met',
    };
  } finally {
    await agentDb?.destroy().catch(() => undefined);
    await Promise.all([copy.close(), bench.close()]).catch(() => undefined);
    await server.stop();
  }
}

/** The server's buffer pool and the size of the bench database's tables, in MB. */
async function bufferPool(db: Db): Promise<{ bufferPoolMb: number; dataMb: number }> {
  const [row] = await rawRows<{ pool: number; data: number }>(
    db,
    `SELECT @@innodb_buffer_pool_size AS pool,
       (SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()) AS data`,
  );
  const mb = (bytes: number) => Math.round(Number(bytes) / 1048576);
  return { bufferPoolMb: mb(row.pool), dataMb: mb(row.data) };
}

/** The floor: the same due IDs read by the same index, best of five (warm). */
async function bareSelectMs(db: import('../core/db').Db, now: Date, limit: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await db.raw(
      'SELECT id FROM bl_support_ticket WHERE is_open = 1 AND next_due_at <= ? ORDER BY next_due_at LIMIT ?',
      [instantToUtc(now), limit],
    );
    times.push(performance.now() - start);
  }
  return Math.min(...times);
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
