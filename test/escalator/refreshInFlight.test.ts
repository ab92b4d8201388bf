import { validateConfig } from '../../config/config';
import { Db } from '../../core/db';
import { createAgentContext } from '../../escalator/agent/context';
import { refreshStaleSla } from '../../escalator/state/refreshSla';
import { eventually } from '../helpers/daemonProcess';
import { holdRowLock } from '../helpers/rowLock';
import { Site } from './agentHarness';
import { BATCH_NOW, batchSite, otherPool } from './batchHarness';

/**
 * The SLA refresh stores two rounds (500 tickets each) at once, the next one read meanwhile
 * (escalator/state/refreshSla.ts): a round held up (here by a lock on one of its mirror rows) does not
 * hold up the next one, no third round is stored before the first is done, and when the lock goes
 * every ticket is stored.
 */
const ROUND = 500;
jest.setTimeout(180_000);

describe('two SLA refresh rounds in flight', () => {
  let s: Site;
  let other: Db;
  beforeAll(async () => {
    s = await batchSite(2 * ROUND + 100);
    other = otherPool(s);
    await s.t.db('bl_support_ticket').where('is_open', 1).update({ sla_stale: 1 });
  });
  afterAll(async () => {
    await other.destroy();
    await s.t.drop();
  });

  const staleAmong = async (ids: readonly number[]) =>
    Number(
      (await other('bl_support_ticket').whereIn('id', ids).andWhere('sla_stale', 1).count({ n: '*' }))[0].n,
    );

  it('the next round is stored while one waits for a lock; the third waits for the first', async () => {
    const stale = (await other('bl_support_ticket')
      .where({ sla_stale: 1, is_open: 1 })
      .orderBy('id')
      .pluck('id')) as number[];
    const [first, second, third] = [
      stale.slice(0, ROUND),
      stale.slice(ROUND, 2 * ROUND),
      stale.slice(2 * ROUND),
    ];
    expect(third.length).toBeGreaterThan(0);

    // Another writer of the first round's first mirror row (the sync storing it), until we let go.
    const lock = await holdRowLock(other, 'bl_support_ticket', 'id', first[0]);

    const ctx = await createAgentContext({
      db: s.t.db,
      target: s.t.target,
      logger: s.logger,
      config: validateConfig(s.config),
    });
    const refresh = refreshStaleSla(ctx, BATCH_NOW, 10_000, { openOnly: true });
    let stored: number;
    try {
      await eventually(
        async () => (await staleAmong(second)) === 0,
        60_000,
        'the second round to be stored while the first waits',
      );
      expect(await staleAmong(first.slice(0, 100))).toBe(100);
      // Given time, the third round still is not stored: two rounds at most are stored at once.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await staleAmong(third)).toBe(third.length);
    } finally {
      await lock.release();
      stored = await refresh;
    }
    expect(stored).toBe(stale.length);
    expect(await staleAmong(stale)).toBe(0);
  });
});
