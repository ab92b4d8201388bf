import { Knex } from 'knex';
import { openDb } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';
import { rawRows } from '../../core/rawRows';

/**
 * A poll with nothing new is a handful of indexed queries: no write, and no full scan of a native
 * table (EXPLAIN of each statement it sends shows no type=ALL). The site holds 3,000 tickets so the
 * optimizer chooses the plans it would choose on a real one.
 */
describe('an idle poll', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
    await generateTickets(t.db, {
      tickets: 3000,
      messagesPerTicket: 3,
      zone: FIXTURE_ZONE,
      startAt: msk('2023-06-01 09:00:00'),
      closedPercent: 70,
    });
    await t.db.raw('ANALYZE TABLE b_ticket, b_ticket_message, b_uts_support');
    await syncOnce(syncDeps(t), { reconcile: 'full' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('sends a few read-only queries, none scanning a native table', async () => {
    const db = openDb(t.target, { poolMax: 2 });
    const sent: Array<{ sql: string; bindings: readonly Knex.Value[] }> = [];
    db.on('query', (q: { sql: string; bindings?: readonly Knex.Value[] }) =>
      sent.push({ sql: q.sql, bindings: q.bindings ?? [] }),
    );
    try {
      const result = await syncOnce({ ...syncDeps(t), db }, { reconcile: 'off' });
      expect(result).toMatchObject({ tickets: 0, messages: 0, events: 0, changedTickets: 0 });
      const statements = sent.map((q) => q.sql.trim().split(/\s+/)[0].toLowerCase());
      expect(statements.every((s) => s === 'select')).toBe(true);
      // Five today: the cursors with the schema version (1), MAX(ID) of tickets and messages (1), the
      // capabilities (1), the open set in windows of sync.batchSize (1,000; the 900 open tickets are
      // one) each compared in the server, one aggregate row back and no b_ticket row sent
      // (sync/store/openStates.ts openWindowDifferences, the signatures in stateSignatures.ts), and the
      // SLA refresh's look for stale tickets (1).
      expect(sent.length).toBeLessThanOrEqual(15);

      const problems: string[] = [];
      for (const query of sent.filter((q) => !/information_schema/i.test(q.sql))) {
        // EXPLAIN names a table by its alias: b_ticket as t → "t".
        const native = new Set<string>();
        for (const m of query.sql.matchAll(/`?\b(b_[a-z0-9_]+)`?(?:\s+as\s+`?(\w+)`?)?/gi))
          native.add(m[2] ?? m[1]);
        const plan = await rawRows<{ table: string | null; type: string | null; key: string | null }>(
          db,
          `EXPLAIN ${query.sql}`,
          query.bindings,
        );
        for (const step of plan) {
          if (step.table && native.has(step.table) && step.type === 'ALL')
            problems.push(`${step.table}: full scan in ${query.sql}`);
        }
      }
      expect(problems).toEqual([]);
      // Our own tiny tables may be read whole (bl_support_cursor has ten rows); native ones never are.
      expect(sent.filter((q) => /\bb_ticket\b/.test(q.sql)).length).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });
});
