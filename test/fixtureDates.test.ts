import { DateTime } from 'luxon';
import { nativeToInstant } from '../core/time';
import { weeksToNow } from '../fixtures/datedRelative';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { createTestDatabase, TestDatabase } from './helpers/db';
import { rawRows } from '../core/rawRows';

/**
 * The demo's shop is dated relative to now (whole weeks, so weekdays and working hours fall as in the
 * story); the tests' fixture keeps its fixed dates.
 */
describe('the fixture dated relative to now', () => {
  let fixed: TestDatabase;
  let recent: TestDatabase;
  const now = new Date();

  beforeAll(async () => {
    [fixed, recent] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    await loadBitrixFixture(fixed.db, { zone: FIXTURE.zone });
    await loadBitrixFixture(recent.db, { zone: FIXTURE.zone, datedRelativeTo: now });
  });
  afterAll(async () => {
    await fixed?.drop();
    await recent?.drop();
  });

  const dates = async (t: TestDatabase, sql: string): Promise<string[]> =>
    (await rawRows<{ d: string }>(t.db, sql)).map((r) => r.d);

  it('moves every native date by the same whole number of weeks, ending just before now', async () => {
    const sql = `SELECT DATE_CREATE AS d FROM b_ticket ORDER BY ID`;
    const [before, after] = [await dates(fixed, sql), await dates(recent, sql)];
    const days = weeksToNow(now) * 7;
    expect(days % 7).toBe(0);
    for (const [i, d] of before.entries()) {
      const moved = DateTime.fromSQL(d, { zone: FIXTURE.zone }).plus({ days });
      expect(after[i]).toBe(moved.toFormat('yyyy-MM-dd HH:mm:ss'));
      expect(moved.weekday).toBe(DateTime.fromSQL(d, { zone: FIXTURE.zone }).weekday);
    }
    const newest = Math.max(...after.map((d) => nativeToInstant(d, FIXTURE.zone)!.getTime()));
    expect(newest).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - newest).toBeLessThan(8 * 86_400_000);
    // Orders and messages move with the tickets.
    const orders = await dates(recent, 'SELECT MAX(DATE_INSERT) AS d FROM b_sale_order');
    expect(nativeToInstant(orders[0], FIXTURE.zone)!.getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it('leaves the fixed fixture at the suite reference time', async () => {
    const [last] = await dates(fixed, 'SELECT MAX(DATE_CREATE) AS d FROM b_ticket_message');
    expect(nativeToInstant(last, FIXTURE.zone)!.getTime()).toBeLessThanOrEqual(
      Date.parse(FIXTURE.referenceTime),
    );
  });
});
