import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Db } from '../core/db';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { scratchDatabase } from '../demo/scratchDatabase';
import { runMeasuredChild } from './childRun';
import { installForBench } from './installForBench';

const CLI = path.resolve(__dirname, '..', 'cli', 'main.js');
const FLOOR = path.resolve(__dirname, 'reportStreamFloor.js');
const CHUNK = 100_000;
const YEAR_SECONDS = 366 * 86_400;
const WINDOW = { from: '2024-01-01', to: '2024-12-31' };
const WORKDAYS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '18:00']]]),
);

/**
 * `bxsup report` over 1,000,000 and 10,000,000 tickets (BXSUP_BENCH_REPORT_TICKETS, comma-separated):
 * the real CLI in a child process, its time and peak RSS, against a floor measured in the same run: a
 * child that streams the same tickets and drops them (reportStreamFloor). Three reports per size:
 * `--json` 24/7 (business = wall clock), a Mon–Fri 09–18 calendar (every duration walked through the
 * calendar), and that calendar `--by category`. The tickets of the largest size fill 2024 evenly;
 * a smaller size is measured first, on the first of them.
 */
export async function benchReport(): Promise<Record<string, number | string>> {
  const sizes = (process.env.BXSUP_BENCH_REPORT_TICKETS ?? '1000000,10000000')
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  // A day short of the year: the report's window is 2024 in the site's zone (Moscow ends it at 21:00 UTC)
  // and the floor's is 2024 in UTC, so every ticket must fall inside both. At the default sizes the step is
  // the same as a full year's (3 s at 10 M); at 10,000 tickets a full year put the last three outside.
  const step = Math.max(1, Math.floor((YEAR_SECONDS - 86_400) / sizes[sizes.length - 1]));
  const bench = await scratchDatabase('bench_report');
  const plainDir = configDir({ site: { timeZone: FIXTURE.zone }, log: { level: 'warn' } });
  const calendarDir = configDir({
    site: { timeZone: FIXTURE.zone },
    sla: { calendar: { week: WORKDAYS } },
    log: { level: 'warn' },
  });
  const result: Record<string, number | string> = {};
  try {
    await loadBitrixFixture(bench.db, { zone: FIXTURE.zone });
    await installForBench(bench.db, bench.target);
    let filled = 0;
    for (const size of sizes) {
      const fillStart = performance.now();
      await fillTickets(bench.db, filled + 1, size, step);
      filled = size;
      const label = size >= 1_000_000 ? `${size / 1_000_000}M` : String(size);
      result[`${label}: fill (s)`] = round(performance.now() - fillStart, 1000);

      const floor = await runMeasuredChild(
        FLOOR,
        [bench.url, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
        plainDir,
      );
      const seen = Number(floor.stdout.split(' ')[0]);
      if (seen !== size) throw new Error(`bench: the floor streamed ${seen} tickets, expected ${size}`);
      const report = (dir: string, extra: string[] = []) =>
        runMeasuredChild(
          CLI,
          ['report', '--db', bench.url, '--from', WINDOW.from, '--to', WINDOW.to, '--json', ...extra],
          dir,
        );
      const plain = await report(plainDir);
      const business = await report(calendarDir);
      const byCategory = await report(calendarDir, ['--by', 'category']);
      const totals = JSON.parse(business.stdout).totals;
      if (totals.tickets !== size)
        throw new Error(`bench: the report saw ${totals.tickets} tickets, expected ${size}`);

      result[`${label}: floor stream (s / MB)`] = `${round(floor.ms, 1000)} / ${mb(floor.maxRssKb)}`;
      for (const [name, run] of [
        ['24/7', plain],
        ['Mon–Fri calendar', business],
        ['calendar --by category', byCategory],
      ] as const) {
        result[`${label}: report ${name} (s / MB)`] = `${round(run.ms, 1000)} / ${mb(run.maxRssKb)}`;
        result[`${label}: report ${name} ratio time / RSS`] =
          `${(run.ms / floor.ms).toFixed(2)} / ${(run.maxRssKb / floor.maxRssKb).toFixed(2)}`;
      }
      result[`${label}: median first reply (business min)`] = totals.firstReply.business.median;
    }
    return result;
  } finally {
    await bench.close();
  }
}

function configDir(config: object): string {
  const dir = mkdtempSync('/tmp/bxsup-bench-report-');
  writeFileSync(path.join(dir, 'bxsup.config.json'), JSON.stringify(config));
  return dir;
}

const round = (ms: number, per: number): number => Math.round((ms / per) * 100) / 100;
const mb = (kb: number): number => Math.round(kb / 1024);

/**
 * Tickets `from`..`to` (2024-01-01 + step × n): 70 % closed, 90 % answered, one in 17 reopened, a
 * third order-linked, five categories, twenty operators and every thirteenth ticket unassigned.
 * Deterministic, so two runs measure the same work. IDs start above the fixture's own tickets.
 */
async function fillTickets(db: Db, from: number, to: number, step: number): Promise<void> {
  for (let start = from; start <= to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK - 1);
    await db.raw(`
      INSERT INTO bl_support_ticket (id, number, site_id, user_id, order_id, subject, category, priority, status,
        assigned_to, first_reply_deadline, sla_deadline, first_reply_at, resolved_at, reopen_count, is_open,
        created_at, updated_at)
      SELECT 1000 + s.seq, CONCAT('B-', s.seq), IF(s.seq % 5 = 0, 's2', 's1'), 6 + s.seq % 4,
        IF(s.seq % 3 = 0, 41, NULL), CONCAT('Bench ticket ', s.seq),
        ELT(1 + s.seq % 5, 'payment', 'shipping', 'return', 'product', 'other'), 1 + s.seq % 4,
        IF(s.seq % 10 < 7, 'closed', 'open'), IF(s.seq % 13 = 0, NULL, 2 + s.seq % 20),
        s.c + INTERVAL 240 MINUTE, s.c + INTERVAL 2880 MINUTE,
        IF(s.seq % 10 = 9, NULL, s.c + INTERVAL ((s.seq * 7919) % 90000) SECOND),
        IF(s.seq % 10 < 7, s.c + INTERVAL ((s.seq * 104729) % 360000) SECOND, NULL),
        IF(s.seq % 17 = 0, 1, 0), IF(s.seq % 10 < 7, 0, 1), s.c, s.c
      FROM (SELECT seq, TIMESTAMP('2024-01-01') + INTERVAL (seq * ${step}) SECOND AS c
            FROM ${await sequence(db, start, end)} t) s`);
  }
}

/** MariaDB's seq_N_to_M engine, else a cross join of a 0–9999 digits table with itself (MySQL). */
async function sequence(db: Db, from: number, to: number): Promise<string> {
  const hasSequence = await db
    .raw('SELECT seq FROM seq_1_to_1 LIMIT 1')
    .then(() => true)
    .catch(() => false);
  if (hasSequence) return `seq_${from}_to_${to}`;
  await db.raw('CREATE TABLE IF NOT EXISTS bench_digits (n INT NOT NULL PRIMARY KEY)');
  await db.raw(`INSERT IGNORE INTO bench_digits (n)
    SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d FROM
      (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL
       SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
      (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL
       SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
      (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL
       SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c,
      (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL
       SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e`);
  const high = (n: number): number => Math.floor((n - 1) / 10_000);
  return `(SELECT a.n * 10000 + b.n + 1 AS seq FROM bench_digits a CROSS JOIN bench_digits b
           WHERE a.n BETWEEN ${high(from)} AND ${high(to)} AND a.n * 10000 + b.n + 1 BETWEEN ${from} AND ${to})`;
}
