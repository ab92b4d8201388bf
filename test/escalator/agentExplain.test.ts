import { validateConfig } from '../../config/config';
import { silentLogger } from '../../core/logger';
import { createAgentContext } from '../../escalator/agent/context';
import { dueTicketsQuery } from '../../escalator/agent/dueTickets';
import { runEscalationPass } from '../../escalator/agent/pass';
import { fillEscalationTables } from '../../bench/escalateData';
import { BIG_TABLES, captureQueries, fullScans } from '../../bench/explainQueries';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite } from './agentHarness';
import { rawRows } from '../../core/rawRows';

/**
 * A pass reads only what is due: the due tickets through ix_bl_support_ticket_due, their history and
 * escalations by ticket ID. 50,000 mirrored tickets (500 open, 25 due), analysed so the optimizer
 * plans as on a big site; every statement the pass sends is EXPLAINed, and none scans a big table.
 */
describe('an escalation pass on a big table', () => {
  let t: TestDatabase;
  const now = new Date('2024-03-20T12:00:00Z');
  let filled: { open: number; due: number };

  beforeAll(async () => {
    t = await installedSite();
    await t.db('bl_support_ticket').delete();
    filled = await fillEscalationTables(t.db, { tickets: 50_000, openEvery: 100, dueEvery: 20, now });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('finds the due tickets by the (is_open, next_due_at) index', async () => {
    expect(filled).toMatchObject({ open: 500, due: 25 });
    const plan = await rawRows<{ type: string; key: string | null; rows: number }>(
      t.db,
      `EXPLAIN ${dueTicketsQuery(t.db, now, 500).toString()}`,
    );
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ type: 'range', key: 'ix_bl_support_ticket_due' });
    expect(Number(plan[0].rows)).toBeLessThan(100);
  });

  it('sends no statement that scans a big table', async () => {
    const agent = await createAgentContext({
      db: t.db,
      target: t.target,
      logger: silentLogger(),
      config: validateConfig({ site: { timeZone: FIXTURE_ZONE } }),
    });
    const capture = captureQueries(t.db);
    const result = await runEscalationPass(agent, now);
    capture.stop();
    expect(result).toMatchObject({ examined: 25, failed: 0 });
    expect(result.applied).toBe(25);
    expect(await fullScans(t.db, capture.queries, BIG_TABLES)).toEqual([]);
  });
});
