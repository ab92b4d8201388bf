import { keptNamedLock, KeptLock } from '../../core/dbLock';
import { createRowBudget } from '../../core/rowBudget';
import { generateTickets } from '../../fixtures/generate';
import { readCursors, SYNC_CURSORS } from '../../store/cursors';
import { ReconcilePace } from '../../sync/reconcilePace';
import { syncOnce } from '../../sync/syncOnce';
import { countingBudget } from '../helpers/countingBudget';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * Two daemons on one site take turns at nothing in the paced reconciliation: the one holding the
 * 'reconcile' lock sweeps, the other's passes leave it alone (they would sweep the same ranges from the
 * same cursors and each spend the pace's credit), until the holder stops or dies; then the other goes on
 * from where the sweep stood.
 */
describe('the reconciliation with two daemons', () => {
  let t: TestDatabase;
  const clock = referenceClock();
  const pace: ReconcilePace = { cycleMs: 3600_000, maxRowsPerSecond: 5000 };
  const locks: KeptLock[] = [];

  beforeAll(async () => {
    t = await installedSite();
    await generateTickets(t.db, {
      tickets: 600,
      messagesPerTicket: 3,
      zone: FIXTURE_ZONE,
      startAt: msk('2023-06-01 09:00:00'),
      closedPercent: 80,
    });
    await syncOnce(syncDeps(t, { clock }), { reconcile: 'full' });
  });
  afterAll(async () => {
    await Promise.all(locks.map((l) => l.release()));
    await t.drop();
  });

  /** One daemon's sync: its own budget (counting what it sweeps) and its own turn. */
  const daemon = () => {
    const turn = keptNamedLock(t.target, 'reconcile');
    locks.push(turn);
    const budget = countingBudget(createRowBudget(1_000_000, { elapsedMs: () => 0 }));
    const deps = { ...syncDeps(t, { clock }), rowBudget: budget, reconcilePace: pace, reconcileTurn: turn };
    return {
      turn,
      budget,
      /** A paced pass; returns the rows it swept. */
      async pass(): Promise<number> {
        const before = budget.spent;
        await syncOnce(deps, { reconcile: 'auto' });
        return budget.spent - before;
      },
    };
  };
  const position = async () =>
    (await readCursors(t.db, [SYNC_CURSORS.reconcilePosition])).get(SYNC_CURSORS.reconcilePosition) ?? 0;

  it('one sweeps, the other waits its turn, and takes it over when the first stops or dies', async () => {
    const [a, b] = [daemon(), daemon()];
    clock.advance(syncDeps(t).config.sync.reconcileIntervalMs + 1000);
    // Between passes, time for the pace to afford a range again (a cycle of an hour, ranges of 100).
    const step = () => clock.advance(15 * 60_000);

    step();
    expect(await a.pass()).toBeGreaterThan(0);
    const afterA = await position();
    expect(afterA).toBeGreaterThan(0);
    step();
    expect(await b.pass()).toBe(0);
    expect(await position()).toBe(afterA);
    step();
    expect(await a.pass()).toBeGreaterThan(0);
    const afterA2 = await position();
    expect(afterA2).toBeGreaterThan(afterA);

    // The first daemon dies: the server drops its connection (as after kill -9), and the lock with it.
    const [holder] = await t.db.raw("SELECT IS_USED_LOCK(CONCAT('bxsup:', DATABASE(), ':reconcile')) AS id");
    expect(holder[0].id).not.toBeNull();
    await t.db.raw(`KILL CONNECTION ${Number(holder[0].id)}`);
    step();
    expect(await b.pass()).toBeGreaterThan(0);
    // From where the first one left it, not from the start.
    const afterB = await position();
    expect(afterB === 0 || afterB > afterA2).toBe(true);
    step();
    expect(await a.pass()).toBe(0);

    // The second one stops (gives the lock up): the first goes on.
    await b.turn.release();
    step();
    expect(await a.pass()).toBeGreaterThan(0);
  });
});
