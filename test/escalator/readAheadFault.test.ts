import { Site } from './agentHarness';
import { BATCH_NOW, batchSite, effects, oneTicketPass } from './batchHarness';

/**
 * A connection lost under the read started ahead: the next batch's due query goes out while the current
 * batch is being written (escalator/agent/processDue.ts), and its connection breaks then. The pass fails
 * with that error once it comes to the batch, never as an unhandled rejection (which ends a Node
 * process: the daemon would be gone, not the pass); the batch being written commits, and the next pass
 * escalates the rest: the same rows and notices as one transaction per ticket, each exactly once.
 */
const TICKETS = 20;
jest.setTimeout(120_000);

/** The due query's shape (dueTicketsQuery), as knex renders it. */
const DUE_QUERY = /from `bl_support_ticket` where `is_open` = \? and `next_due_at` <= \?/;

describe('a lost connection under the read-ahead of the next due batch', () => {
  let reference: Site;
  let s: Site;
  beforeAll(async () => {
    [reference, s] = await Promise.all([batchSite(TICKETS), batchSite(TICKETS)]);
    await oneTicketPass(reference, BATCH_NOW);
  });
  afterAll(async () => {
    await Promise.all([reference?.t.drop(), s?.t.drop()]);
  });

  it('fails the pass, not the process; the next pass leaves what one transaction per ticket leaves', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let dueQueries = 0;
    let broken = false;
    const pool = s.t.db.client.pool as {
      used: Array<{ resource: { __knexUid: string; stream: { destroy(): void } } }>;
    };
    // Emitted just before the query is sent on its connection: the second due query of the pass is the
    // read-ahead (the first is the first batch's), and its socket is destroyed under it: the connection is
    // lost as when the server goes away, with the first batch's transaction open on another one.
    const breakReadAhead = (q: { sql: string; __knexUid: string; __knexTxId?: string }) => {
      if (!DUE_QUERY.test(q.sql) || q.__knexTxId !== undefined || ++dueQueries !== 2) return;
      const used = pool.used.find((u) => u.resource.__knexUid === q.__knexUid);
      used?.resource.stream.destroy();
      broken = used !== undefined;
    };
    s.t.db.on('query', breakReadAhead);
    let failure: Error | null = null;
    try {
      await s.pass(BATCH_NOW, { config: { escalation: { batchSize: 3 } } });
    } catch (err) {
      failure = err as Error;
    } finally {
      s.t.db.off('query', breakReadAhead);
    }
    // A turn of the event loop for a rejection nothing handled to be reported.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);

    expect(broken).toBe(true);
    expect(failure?.message).toMatch(/stream was destroyed|closed state|connection lost/i);
    expect(unhandled).toEqual([]);
    // The first batch (and the stale tickets the catch-up escalated before it) committed; not all.
    const partly = await s.t
      .db('bl_support_escalation')
      .where({ level: 'breach', outcome: 'applied' })
      .countDistinct({ n: 'ticket_id' });
    const all = await reference.t
      .db('bl_support_escalation')
      .where({ level: 'breach', outcome: 'applied' })
      .countDistinct({ n: 'ticket_id' });
    expect(Number(partly[0].n)).toBeGreaterThan(0);
    expect(Number(partly[0].n)).toBeLessThan(Number(all[0].n));

    const again = await s.pass(BATCH_NOW, { config: { escalation: { batchSize: 3 } } });
    expect(again).toMatchObject({ ran: true, failed: 0 });
    expect(await effects(s.t.db)).toBe(await effects(reference.t.db));
  });
});
