import { createRowBudget } from '../../core/rowBudget';
import { countingBudget } from '../helpers/countingBudget';
import { validateConfig } from '../../config/config';
import { generateTickets } from '../../fixtures/generate';
import { readCursors, RECONCILE_CURSORS, SYNC_CURSORS } from '../../store/cursors';
import {
  creditCap,
  creditNow,
  pacedRowsPerSecond,
  ReconcilePace,
  reconcilePaceFor,
} from '../../sync/reconcilePace';
import { syncOnce } from '../../sync/syncOnce';
import { syncSection } from '../../status/syncSection';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * The daemon's reconciliation pace (deps.reconcilePace): a cycle spread over sync.reconcileCycleMinutes,
 * counted by the clock, never faster than db.maxRowsPerSecond. The clock is moved by hand; nothing sleeps.
 */
describe('the reconciliation pace', () => {
  it('spreads a cycle over its length, and never goes above the budget', () => {
    const fourHours: ReconcilePace = { cycleMs: 4 * 3600_000, maxRowsPerSecond: 5000 };
    // A small site: 10,000 tickets × 20 rows over four hours.
    expect(pacedRowsPerSecond(fourHours, 200_000)).toBeCloseTo(200_000 / 14_400, 6);
    // A big one: 10 M tickets × 20 rows would need 13,889 rows/s; it gets the budget.
    expect(pacedRowsPerSecond(fourHours, 200_000_000)).toBe(5000);
  });

  it('takes its length from sync.reconcileCycleMinutes (a few hours unless set) and names the key', () => {
    expect(validateConfig({}).sync.reconcileCycleMinutes).toBe(240);
    expect(reconcilePaceFor(validateConfig({ sync: { reconcileCycleMinutes: 90 } }))).toEqual({
      cycleMs: 90 * 60_000,
      maxRowsPerSecond: 5000,
    });
    for (const bad of [0, 10081, 1.5, '240'])
      expect(() => validateConfig({ sync: { reconcileCycleMinutes: bad } }, 'bxsup.config.json')).toThrow(
        /^bxsup\.config\.json: sync\.reconcileCycleMinutes: /,
      );
  });

  it('accrues credit at the pace up to a cap of at least one range, and keeps a debt', () => {
    const cap = creditCap(2, 1500);
    expect(cap).toBe(1500);
    expect(creditCap(100, 1500)).toBe(6000);
    expect(creditNow({ rows: 0, atMs: 0 }, 2, 10_000, cap)).toBe(20);
    // A daemon stopped for a day comes back with one cap, not a day of rows.
    expect(creditNow({ rows: 0, atMs: 0 }, 2, 86_400_000, cap)).toBe(cap);
    expect(creditNow({ rows: -400, atMs: 0 }, 2, 100_000, cap)).toBe(-200);
  });

  describe('on a site of 600 tickets', () => {
    let t: TestDatabase;
    const clock = referenceClock();
    // The process's budget is generous here (and its time never moves): only the pace limits.
    const shared = countingBudget(createRowBudget(1_000_000, { elapsedMs: () => 0 }));

    beforeAll(async () => {
      t = await installedSite();
      await generateTickets(t.db, {
        tickets: 600,
        messagesPerTicket: 4,
        zone: FIXTURE_ZONE,
        startAt: msk('2023-06-01 09:00:00'),
        closedPercent: 80,
      });
      await syncOnce(syncDeps(t, { clock }), { reconcile: 'full' });
    });
    afterAll(async () => {
      await t.drop();
    });

    const cursors = async () => {
      const c = await readCursors(t.db, [
        ...Object.values(SYNC_CURSORS),
        ...Object.values(RECONCILE_CURSORS),
      ]);
      return (name: string) => c.get(name) ?? 0;
    };

    /** Paced passes every `stepSeconds` of the clock until a cycle ends: its length and rows. */
    async function cycle(pace: ReconcilePace, stepSeconds: number) {
      clock.advance(syncDeps(t).config.sync.reconcileIntervalMs + 1000);
      const deps = { ...syncDeps(t, { clock }), rowBudget: shared, reconcilePace: pace };
      const startedMs = clock.now().getTime();
      const spentBefore = shared.spent;
      let passes = 0;
      let mostInOnePass = 0;
      let positions = 0;
      for (let reconciled = false; !reconciled && passes < 2000; passes++) {
        const before = shared.spent;
        reconciled = (await syncOnce(deps, { reconcile: 'auto' })).reconciled;
        mostInOnePass = Math.max(mostInOnePass, shared.spent - before);
        const position = (await cursors())(SYNC_CURSORS.reconcilePosition);
        if (position > 0) positions++;
        if (!reconciled) clock.advance(stepSeconds * 1000);
      }
      const stored = await cursors();
      return {
        minutes: (clock.now().getTime() - startedMs) / 60_000,
        rows: shared.spent - spentBefore,
        lastCycleRows: stored(RECONCILE_CURSORS.lastCycleRows),
        passes,
        positions,
        mostInOnePass,
      };
    }

    it('a cycle takes about its length, in many small steps, whatever the budget would allow', async () => {
      const hour: ReconcilePace = { cycleMs: 3600_000, maxRowsPerSecond: 5000 };
      // A first cycle measures what a cycle costs (it starts from a guess of rows per ticket).
      const first = await cycle(hour, 30);
      expect(first.lastCycleRows).toBe(first.rows);
      const second = await cycle(hour, 30);
      // The budget alone would sweep it in seconds; the pace spreads it over the hour.
      expect(second.rows / 5000).toBeLessThan(10);
      expect(second.minutes).toBeGreaterThan(0.7 * 60);
      expect(second.minutes).toBeLessThan(1.3 * 60);
      // Spread: the sweep stood part-way through the cycle after many passes, none spending much.
      expect(second.positions).toBeGreaterThan(10);
      const rate = second.rows / 3600;
      expect(second.mostInOnePass).toBeLessThanOrEqual(Math.max(rate * 60, second.rows / 6) * 1.5);
    });

    it('with no clock time passed, a pass does not move the sweep', async () => {
      clock.advance(syncDeps(t).config.sync.reconcileIntervalMs + 1000);
      const deps = {
        ...syncDeps(t, { clock }),
        rowBudget: shared,
        reconcilePace: { cycleMs: 3600_000, maxRowsPerSecond: 5000 },
      };
      await syncOnce(deps, { reconcile: 'auto' });
      const position = (await cursors())(SYNC_CURSORS.reconcilePosition);
      expect(position).toBeGreaterThan(0);
      const before = shared.spent;
      await syncOnce(deps, { reconcile: 'auto' });
      expect((await cursors())(SYNC_CURSORS.reconcilePosition)).toBe(position);
      expect(shared.spent).toBe(before);
      // Finish that cycle for the next test.
      await syncOnce(deps, { reconcile: 'full' });
    });

    it('bxsup status shows where a running cycle stands and when it will end at its pace so far', async () => {
      clock.advance(syncDeps(t).config.sync.reconcileIntervalMs + 1000);
      const deps = {
        ...syncDeps(t, { clock }),
        rowBudget: shared,
        reconcilePace: { cycleMs: 3600_000, maxRowsPerSecond: 5000 },
      };
      // Passes a minute apart until the first one that leaves the sweep part-way: the cycle starts there.
      let startedMs = 0;
      for (let passes = 0; passes < 30 && !startedMs; passes++) {
        clock.advance(60_000);
        await syncOnce(deps, { reconcile: 'auto' });
        if ((await cursors())(SYNC_CURSORS.reconcilePosition) > 0) startedMs = clock.now().getTime();
      }
      expect(startedMs).toBeGreaterThan(0);
      clock.advance(3 * 60_000);
      const stored = await cursors();
      const position = stored(SYNC_CURSORS.reconcilePosition);
      const status = await syncSection({ db: t.db, config: deps.config, now: clock.now() });
      const cycle = status.data.reconcileCycle as {
        position: number;
        end: number;
        rowsExamined: number;
        startedAt: string;
        expectedDoneAt: string;
      };
      expect(cycle.position).toBe(position);
      expect(cycle.end).toBeGreaterThanOrEqual(600);
      expect(cycle.rowsExamined).toBe(stored(RECONCILE_CURSORS.cycleRows));
      expect(new Date(cycle.startedAt).getTime()).toBe(startedMs);
      // Three minutes for position / end of the tickets: the rest at the same pace.
      const expectedMs = startedMs + (3 * 60_000 * cycle.end) / position;
      expect(Math.abs(new Date(cycle.expectedDoneAt).getTime() - expectedMs)).toBeLessThan(1000);
      const line = status.lines.find(([label]) => label === 'reconciling')?.[1];
      expect(line).toContain(`cycle at ticket ${position} of ${cycle.end} (`);
      expect(line).toContain(`at this pace done about ${cycle.expectedDoneAt}`);
      // Between cycles there is no such line.
      await syncOnce(deps, { reconcile: 'full' });
      const after = await syncSection({ db: t.db, config: deps.config, now: clock.now() });
      expect(after.data.reconcileCycle).toBeNull();
      expect(after.lines.map(([label]) => label)).not.toContain('reconciling');
    });

    it('when the cycle length asks for more than the budget, the budget wins and the cycle is longer', async () => {
      const measured = Number((await cursors())(RECONCILE_CURSORS.lastCycleRows));
      // A budget of a quarter of what an hour's cycle would need.
      const maxRowsPerSecond = measured / 3600 / 4;
      const capped = await cycle({ cycleMs: 3600_000, maxRowsPerSecond }, 60);
      // At most the budget over the cycle, plus the credit it may start with (one range, a sixth of the
      // cycle here) and one range's overshoot of its estimate.
      expect(capped.rows).toBeLessThanOrEqual(maxRowsPerSecond * capped.minutes * 60 + measured / 3);
      expect(capped.minutes).toBeGreaterThan(3 * 60);
    });
  });
});
