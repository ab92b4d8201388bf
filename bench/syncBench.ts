import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateTickets } from '../fixtures/generate';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { scratchDatabase } from '../demo/scratchDatabase';
import { ChildRun, runMeasuredChild } from './childRun';
import { ServerCpu, serverCpuClock } from './serverCpu';
import { installForBench } from './installForBench';
import { rawRows } from '../core/rawRows';

const CLI = path.resolve(__dirname, '..', 'cli', 'main.js');

/**
 * The first sync of a big site: 100,000 tickets × 5 messages (BXSUP_BENCH_SYNC_TICKETS) from the
 * generator, backfilled by the real `bxsup sync --once` in a child process. The floor is a server-side
 * INSERT … SELECT of the same rows into scratch copies of our tables, measured in the same run.
 */
export async function benchSync(
  options: { tickets?: number } = {},
): Promise<Record<string, number | string>> {
  const tickets = options.tickets ?? Number(process.env.BXSUP_BENCH_SYNC_TICKETS ?? 100_000);
  const bench = await scratchDatabase('bench_sync');
  try {
    await loadBitrixFixture(bench.db, { zone: FIXTURE.zone });
    await generateTickets(bench.db, {
      tickets,
      messagesPerTicket: 5,
      zone: FIXTURE.zone,
      startAt: new Date('2023-01-09T06:00:00Z'),
      batchSize: 2000,
    });
    await installForBench(bench.db, bench.target);
    const counts = await rawRows<{ t: number; m: number }>(
      bench.db,
      `SELECT (SELECT COUNT(*) FROM b_ticket) AS t, (SELECT COUNT(*) FROM b_ticket_message WHERE IS_LOG = 'N') AS m`,
    );
    const rows = Number(counts[0].t) + Number(counts[0].m);

    const serverCpu = await serverCpuClock(bench.db);
    const floor = await withServerCpu(serverCpu, () => insertSelectFloor(bench.db));
    const floorMs = floor.value;
    const sync = await withServerCpu(serverCpu, () => timedSync(bench.url));
    const run = sync.value;
    const mirrored = Number((await bench.db('bl_support_ticket').count<{ n: number }[]>({ n: '*' }))[0].n);
    if (mirrored !== Number(counts[0].t))
      throw new Error(`sync mirrored ${mirrored} of ${counts[0].t} tickets`);
    return {
      tickets: Number(counts[0].t),
      'messages mirrored': Number(counts[0].m),
      'sync time (s)': round(run.ms / 1000, 1),
      'rows per second': Math.round(rows / (run.ms / 1000)),
      'peak RSS (MB)': round(run.maxRssKb / 1024, 0),
      'INSERT…SELECT floor (s)': round(floorMs / 1000, 1),
      'ratio to floor': round(run.ms / floorMs, 2),
      // CPU seconds: steadier than wall time on a shared machine, and they tell server from client.
      'server CPU, floor (s)': cpuSeconds(floor.serverMs),
      'server CPU, sync (s)': cpuSeconds(sync.serverMs),
      'CLI CPU, sync (s)': cpuSeconds(run.cpuMs),
    };
  } finally {
    await bench.close();
  }
}

/** The same rows, copied server-side with no logic at all: what no client can beat. */
async function insertSelectFloor(db: import('../core/db').Db): Promise<number> {
  await db.raw('CREATE TABLE floor_ticket LIKE bl_support_ticket');
  await db.raw('CREATE TABLE floor_message LIKE bl_support_message');
  const started = performance.now();
  await db.raw(`INSERT INTO floor_ticket (id, number, site_id, user_id, guest_email, subject, category, priority, status,
      assigned_to, is_open, native_timestamp_x, created_at, updated_at)
    SELECT ID, CONCAT('SUP-', DATE_FORMAT(DATE_CREATE, '%Y%m%d'), '-', ID), SITE_ID, NULLIF(OWNER_USER_ID, 0), OWNER_SID,
      TITLE, CATEGORY_ID, 2, 'open', RESPONSIBLE_USER_ID, DATE_CLOSE IS NULL, TIMESTAMP_X, DATE_CREATE, TIMESTAMP_X FROM b_ticket`);
  await db.raw(`INSERT INTO floor_message (id, ticket_id, author_id, body, is_internal, is_staff, created_at)
    SELECT ID, TICKET_ID, OWNER_USER_ID, MESSAGE, IS_HIDDEN = 'Y', COALESCE(MESSAGE_BY_SUPPORT_TEAM = 'Y', 0), DATE_CREATE
    FROM b_ticket_message WHERE IS_LOG = 'N'`);
  const ms = performance.now() - started;
  await db.raw('DROP TABLE floor_ticket, floor_message');
  return ms;
}

async function withServerCpu<T>(
  cpu: ServerCpu,
  work: () => Promise<T>,
): Promise<{ value: T; serverMs: number | null }> {
  const before = cpu();
  const value = await work();
  const after = cpu();
  return { value, serverMs: before === null || after === null ? null : after - before };
}

function cpuSeconds(ms: number | null): number | string {
  return ms === null || Number.isNaN(ms) ? 'n/a' : round(ms / 1000, 1);
}

async function timedSync(url: string): Promise<ChildRun> {
  const cwd = mkdtempSync('/tmp/bxsup-bench-');
  writeFileSync(
    path.join(cwd, 'bxsup.config.json'),
    JSON.stringify({ site: { timeZone: FIXTURE.zone }, log: { level: 'warn' } }),
  );
  return runMeasuredChild(CLI, ['sync', '--once', '--db', url], cwd);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
