import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateTickets } from '../fixtures/generate';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { Db } from '../core/db';
import { ThrowawayServer } from '../demo/privateServer';
import { scratchDatabase, ScratchDatabase } from '../demo/scratchDatabase';
import { runMeasuredChild } from './childRun';
import { installForBench } from './installForBench';
import { rawRows } from '../core/rawRows';

export const CLI = path.resolve(__dirname, '..', 'cli', 'main.js');

/**
 * A settled Bitrix-shaped site for the idle and latency benchmarks: `tickets` generated tickets with
 * `messagesPerTicket` messages (plus the log lines the generator writes), `open` of them open, bxsup
 * installed after them and a first `bxsup sync --once` run by the real CLI. The SLA catch-up of the
 * backfilled tickets is marked done by SQL: that is the escalation's benchmark, and what is measured
 * here is a site between changes.
 */
export interface IdleSite extends ScratchDatabase {
  open: number;
  tickets: number;
}

export async function idleSite(
  server: ThrowawayServer,
  options: {
    tickets: number;
    open: number;
    messagesPerTicket?: number;
    label: string;
    /** Copy this site's native tickets and messages (server-side) instead of generating them again. */
    reopenFrom?: IdleSite;
  },
): Promise<IdleSite> {
  const bench = await scratchDatabase(options.label, server);
  await loadBitrixFixture(bench.db, { zone: FIXTURE.zone });
  if (options.reopenFrom) await copyReopened(bench.db, options.reopenFrom, options.open);
  else {
    await generateTickets(bench.db, {
      tickets: options.tickets,
      messagesPerTicket: options.messagesPerTicket ?? 6,
      zone: FIXTURE.zone,
      startAt: new Date('2023-01-09T06:00:00Z'),
      closedPercent: (100 * (options.tickets - options.open)) / options.tickets,
      batchSize: 2000,
    });
  }
  await installForBench(bench.db, bench.target);
  await runMeasuredChild(CLI, ['sync', '--once', '--db', bench.url], benchConfigDir({}));
  await bench.db('bl_support_ticket').where('sla_stale', 1).update({ sla_stale: 0 });
  await bench.db.raw('ANALYZE TABLE b_ticket, b_ticket_message, b_uts_support, bl_support_ticket');
  const rows = await rawRows<{ n: number; open: number }>(
    bench.db,
    'SELECT COUNT(*) AS n, SUM(is_open) AS open FROM bl_support_ticket',
  );
  return { ...bench, tickets: Number(rows[0].n), open: Number(rows[0].open) };
}

/**
 * The generated tickets and messages of `source` copied server-side (the generator takes minutes for
 * 200,000 tickets), then closed ones among them opened again, evenly spread over the IDs, until about
 * `open` are open: DATE_CLOSE cleared, as a reopen leaves it.
 */
async function copyReopened(db: Db, source: IdleSite, open: number): Promise<void> {
  const from = `\`${source.target.database}\``;
  await db.raw('DELETE FROM b_ticket_message');
  await db.raw('DELETE FROM b_ticket');
  await db.raw(`INSERT INTO b_ticket SELECT * FROM ${from}.b_ticket`);
  await db.raw(`INSERT INTO b_ticket_message SELECT * FROM ${from}.b_ticket_message`);
  const rows = await rawRows<{ n: number; open: number }>(
    db,
    'SELECT COUNT(*) AS n, SUM(DATE_CLOSE IS NULL) AS open FROM b_ticket',
  );
  const closed = Number(rows[0].n) - Number(rows[0].open);
  const every = Math.max(1, Math.floor(closed / Math.max(1, open - Number(rows[0].open))));
  await db.raw(
    `UPDATE b_ticket t JOIN (SELECT ID, ROW_NUMBER() OVER (ORDER BY ID) AS k FROM b_ticket WHERE DATE_CLOSE IS NOT NULL) c
        ON c.ID = t.ID
        SET t.DATE_CLOSE = NULL
      WHERE c.k % ? = 0`,
    [every],
  );
}

/** A working directory with a bxsup.config.json for a child (the fixture's zone, quiet logs). */
export function benchConfigDir(config: Record<string, unknown>): string {
  const cwd = mkdtempSync('/tmp/bxsup-bench-');
  writeFileSync(
    path.join(cwd, 'bxsup.config.json'),
    JSON.stringify({ site: { timeZone: FIXTURE.zone }, log: { level: 'warn' }, ...config }),
    { mode: 0o600 },
  );
  return cwd;
}
