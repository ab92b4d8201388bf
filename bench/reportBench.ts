import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../core/config';
import { Db, openDb } from '../core/db';
import { parseDbUrl } from '../core/dbUrl';
import { throwawayServer } from '../demo/privateServer';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { buildReport } from '../report/buildReport';
import { runInstall } from '../schema/install';
import { executingRunner } from '../schema/sqlRunner';

const CHUNK = 100_000;
const WORKDAYS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '18:00']]]),
);

/**
 * `bxsup report` over a year of tickets (1,000,000 by default; BXSUP_BENCH_TICKETS): the time to fill
 * bl_support_ticket with INSERT … SELECT from a sequence (MariaDB's seq_1_to_N, else a 1000×1000 cross
 * join on MySQL), then the report three ways: 24/7 (business = wall clock), a Mon–Fri 09–18 calendar
 * (every duration walked through the calendar), and the same broken down --by category.
 */
export async function benchReport(
  options: { tickets?: number } = {},
): Promise<Record<string, number | string>> {
  const tickets = options.tickets ?? Number(process.env.BXSUP_BENCH_TICKETS ?? 1_000_000);
  const server = await throwawayServer();
  const target = {
    ...parseDbUrl(server.url),
    database: `bxsup_bench_report_${randomBytes(4).toString('hex')}`,
  };
  const admin = openDb({ ...target, database: '' }, { poolMax: 1 });
  await admin.raw(`CREATE DATABASE \`${target.database}\` CHARACTER SET utf8 COLLATE utf8_unicode_ci`);
  const db = openDb(target, { poolMax: 2 });
  try {
    const now = new Date('2025-01-01T00:00:00Z');
    await loadBitrixFixture(db, { zone: FIXTURE.zone });
    await runInstall(
      { db, target, runner: executingRunner(db), now, onStep: () => undefined },
      { dryRun: false, seedDictionaries: false },
    );
    const fillStart = performance.now();
    const method = await fillTickets(db, tickets);
    const fillMs = performance.now() - fillStart;

    const window = { from: '2024-01-01', to: '2024-12-31' };
    const timed = async (config: object, by?: 'category') => {
      const start = performance.now();
      const report = await buildReport({ db, config: validateConfig(config), now }, { ...window, by });
      return { ms: performance.now() - start, report };
    };
    const plain = await timed({ site: { timeZone: FIXTURE.zone } });
    const business = await timed({ site: { timeZone: FIXTURE.zone }, sla: { calendar: { week: WORKDAYS } } });
    const byCategory = await timed(
      { site: { timeZone: FIXTURE.zone }, sla: { calendar: { week: WORKDAYS } } },
      'category',
    );
    if (plain.report.totals.tickets !== tickets) {
      throw new Error(`bench: the report saw ${plain.report.totals.tickets} tickets, expected ${tickets}`);
    }
    return {
      tickets,
      fill: method,
      fillSeconds: round(fillMs / 1000),
      report24x7Seconds: round(plain.ms / 1000),
      reportBusinessSeconds: round(business.ms / 1000),
      reportByCategorySeconds: round(byCategory.ms / 1000),
      ticketsPerSecond: Math.round(tickets / (business.ms / 1000)),
      firstReplyMedianBusinessMinutes: round(business.report.totals.firstReply.business.median ?? 0),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      server: server.origin,
    };
  } finally {
    await db.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS \`${target.database}\``).catch(() => undefined);
    await admin.destroy();
    await server.stop();
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * A year of tickets (2024-01-01 + 31 s × n): 70 % closed, 90 % answered, one in 17 reopened, a third
 * order-linked, five categories, twenty operators and every thirteenth ticket unassigned. Deterministic,
 * so two runs measure the same work. IDs start above the fixture's own tickets.
 */
async function fillTickets(db: Db, count: number): Promise<string> {
  const hasSequence = await db
    .raw('SELECT seq FROM seq_1_to_1 LIMIT 1')
    .then(() => true)
    .catch(() => false);
  if (!hasSequence) {
    await db.raw('CREATE TEMPORARY TABLE bench_digits (n INT NOT NULL PRIMARY KEY)');
    await db('bench_digits').insert(Array.from({ length: 1000 }, (_, i) => ({ n: i + 1 })));
  }
  for (let from = 1; from <= count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK - 1);
    const source = hasSequence
      ? `seq_${from}_to_${to}`
      : `(SELECT (a.n - 1) * 1000 + b.n AS seq FROM bench_digits a CROSS JOIN bench_digits b
          HAVING seq BETWEEN ${from} AND ${to})`;
    await db.raw(`
      INSERT INTO bl_support_ticket (id, number, site_id, user_id, order_id, subject, category, priority, status,
        assigned_to, first_reply_deadline, sla_deadline, first_reply_at, resolved_at, reopen_count, is_open,
        created_at, updated_at)
      SELECT 1000 + s.seq, CONCAT('B-', s.seq), IF(s.seq % 5 = 0, 's2', 's1'), 6 + s.seq % 4,
        IF(s.seq % 3 = 0, 41, NULL), CONCAT('Bench ticket ', s.seq),
        ELT(1 + s.seq % 5, 'payment', 'shipping', 'return', 'product', 'other'), 1 + s.seq % 4,
        IF(s.seq % 10 < 7, 'closed', 'open'), IF(s.seq % 13 = 0, NULL, 2 + s.seq % 20),
        s.c + INTERVAL 240 MINUTE, s.c + INTERVAL 2880 MINUTE,
        IF(s.seq % 10 = 9, NULL, s.c + INTERVAL ((s.seq * 7919) % 1500) MINUTE),
        IF(s.seq % 10 < 7, s.c + INTERVAL ((s.seq * 104729) % 6000) MINUTE, NULL),
        IF(s.seq % 17 = 0, 1, 0), IF(s.seq % 10 < 7, 0, 1), s.c, s.c
      FROM (SELECT seq, TIMESTAMP('2024-01-01') + INTERVAL (seq * 31) SECOND AS c FROM ${source} t) s`);
  }
  return hasSequence ? 'INSERT … SELECT from seq_1_to_N' : 'INSERT … SELECT from a 1000×1000 cross join';
}
