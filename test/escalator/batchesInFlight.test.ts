import { validateConfig } from '../../config/config';
import { Db } from '../../core/db';
import { createAgentContext } from '../../escalator/agent/context';
import { dueTicketIds } from '../../escalator/agent/dueTickets';
import { emptyPassResult } from '../../escalator/agent/passResult';
import { createPassCache } from '../../escalator/agent/passCache';
import { runDuePoints } from '../../escalator/agent/processDue';
import { eventually } from '../helpers/daemonProcess';
import { holdRowLock } from '../helpers/rowLock';
import { Site } from './agentHarness';
import { BATCH_NOW, batchSite, otherPool } from './batchHarness';

/**
 * The due part of a pass writes two batches at once (escalator/agent/processDue.ts): a batch held up
 * (here by an operator's lock on one of its tickets) does not hold up the next one, no third batch
 * starts before the first is done, and when the lock goes every ticket is escalated once.
 */
const BATCH = 10;
jest.setTimeout(120_000);

describe('two escalation batches in flight', () => {
  let s: Site;
  let other: Db;
  beforeAll(async () => {
    s = await batchSite(3 * BATCH + 5);
    other = otherPool(s);
  });
  afterAll(async () => {
    await other.destroy();
    await s.t.drop();
  });

  const escalatedAmong = async (ids: readonly number[]) =>
    Number(
      (await other('bl_support_escalation').whereIn('ticket_id', ids).countDistinct({ n: 'ticket_id' }))[0].n,
    );

  it('the next batch commits while one waits for a lock; the third waits for the first', async () => {
    const first = await dueTicketIds(s.t.db, BATCH_NOW, BATCH);
    const second = await dueTicketIds(s.t.db, BATCH_NOW, BATCH, first);
    const third = await dueTicketIds(s.t.db, BATCH_NOW, BATCH, [...first, ...second]);
    expect(second).toHaveLength(BATCH);
    expect(third).toHaveLength(BATCH);

    // The tickets batchSite made (the fixture's own are due too, some only to be recorded).
    const made = (await other('b_ticket')
      .where('DATE_CREATE', '>=', '2024-03-12 11:00:00')
      .pluck('ID')) as number[];
    const held = first.find((id) => made.includes(id));
    expect(held).toBeDefined();

    // An operator saving a ticket of the first batch: its b_ticket row locked until we let go.
    const lock = await holdRowLock(other, 'b_ticket', 'ID', held!);

    const ctx = await createAgentContext({
      db: s.t.db,
      target: s.t.target,
      logger: s.logger,
      config: validateConfig({ ...s.config, escalation: { batchSize: BATCH } }),
    });
    const result = emptyPassResult();
    const due = runDuePoints(ctx, await createPassCache(ctx, BATCH_NOW), BATCH_NOW, result, {});
    try {
      await eventually(
        async () => (await escalatedAmong(second)) === BATCH,
        30_000,
        'the second batch to commit while the first waits',
      );
      expect(await escalatedAmong(first)).toBe(0);
      // Given time, the third batch still does not start: two batches at most are written at once.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await escalatedAmong(third)).toBe(0);
    } finally {
      await lock.release();
      await due;
    }
    expect(result.failed).toBe(0);
    // Nothing left due, and each ticket made has its first-reply breach.
    expect(await dueTicketIds(s.t.db, BATCH_NOW, 1000)).toEqual([]);
    expect(await escalatedAmong(made)).toBe(made.length);
  });
});
