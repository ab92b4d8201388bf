import { createRowBudget } from '../../core/rowBudget';
import { countingBudget } from '../helpers/countingBudget';
import { Db, openDb } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { SYNC_CURSORS } from '../../store/cursors';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';
import { sessionRowsExamined } from '../helpers/sessionRows';

/**
 * The reconciliation in its everyday mode ('auto') keeps to db.maxRowsPerSecond. Time is the budget's
 * own (frozen, then moved by hand), and the rows are what the server says it examined for the pass
 * (the session's Handler_read_* counters on a one-connection pool), less an idle pass's.
 */
const RATE = 1000;
const BURST_SECONDS = 2;

describe('the reconciliation keeps to its row budget', () => {
  let t: TestDatabase;
  let db: Db;
  const clock = referenceClock();
  let ms = 0;
  const budget = countingBudget(createRowBudget(RATE, { burstSeconds: BURST_SECONDS, elapsedMs: () => ms }));
  let lastTicket = 0;

  beforeAll(async () => {
    t = await installedSite();
    lastTicket = (
      await generateTickets(t.db, {
        tickets: 600,
        messagesPerTicket: 4,
        zone: FIXTURE_ZONE,
        startAt: msk('2023-06-01 09:00:00'),
        closedPercent: 80,
      })
    ).lastTicketId;
    await syncOnce(syncDeps(t, { clock }), { reconcile: 'full' });
    // The next cycle is due.
    clock.advance(syncDeps(t).config.sync.reconcileIntervalMs + 1000);
    db = openDb(t.target, { poolMax: 1 });
  });
  afterAll(async () => {
    await db.destroy();
    await t.drop();
  });

  const rowsExamined = (): Promise<number> => sessionRowsExamined(db);
  /** One daemon-like pass on the one connection: what the server examined, and the reconcile position. */
  async function pass(reconcile: 'auto' | 'off') {
    const before = await rowsExamined();
    const result = await syncOnce({ ...syncDeps(t, { clock }), db, rowBudget: budget }, { reconcile });
    const rows = (await rowsExamined()) - before;
    const position = Number(
      (await db('bl_support_cursor').where('name', SYNC_CURSORS.reconcilePosition).first('value')).value,
    );
    return { result, rows, position };
  }

  it('a pass examines about one burst of rows, and stops part-way through the cycle', async () => {
    const idle = await pass('off');
    const first = await pass('auto');
    const sweep = first.rows - idle.rows;
    expect(first.result.reconciled).toBe(false);
    expect(first.position).toBeGreaterThan(0);
    expect(first.position).toBeLessThan(lastTicket / 2);
    expect(sweep).toBeLessThanOrEqual(RATE * BURST_SECONDS * 1.1);
    // The budget was charged what the server really did, not a fraction of it.
    expect(budget.spent).toBeGreaterThanOrEqual(sweep * 0.8);
  });

  it('with no time passed, the next pass leaves the sweep where it is', async () => {
    const before = await pass('off');
    const again = await pass('auto');
    expect(again.position).toBe(before.position);
    expect(again.rows - before.rows).toBeLessThanOrEqual(10);
  });

  it('as time passes it goes on from there, and the whole cycle keeps to the rate', async () => {
    const start = ms;
    const spentBefore = budget.spent;
    let passes = 0;
    let reconciled = false;
    let position = (await pass('off')).position;
    while (!reconciled && passes < 200) {
      ms += 2000;
      const next = await pass('auto');
      passes++;
      expect(next.position === 0 || next.position >= position).toBe(true);
      position = next.position;
      reconciled = next.result.reconciled;
    }
    expect(reconciled).toBe(true);
    expect(passes).toBeGreaterThan(2);
    const seconds = (ms - start) / 1000;
    expect(budget.spent - spentBefore).toBeLessThanOrEqual(RATE * (seconds + BURST_SECONDS));
  });
});
