import { captureQueries } from '../../bench/explainQueries';
import { syncOnce } from '../../sync/syncOnce';
import { TestDatabase } from '../helpers/db';
import { installedSite, syncDeps } from './harness';
import { rawRows } from '../../core/rawRows';

/**
 * What a backfill reads of b_ticket: each ticket once, by ID range. Customer messages written before the
 * install on tickets closed since are history: the ticket was read for the mirror after they were
 * written, so they cannot tell of a reopen it missed, and no ticket is read again by ID for them (a
 * backfill re-read half the site's tickets that way). A message after the install still can (see
 * reopen.test.ts).
 */
describe('backfill reads of native tickets', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('history on closed tickets does not make the message phase read tickets again', async () => {
    // The fixture has what the rule is about: a customer's visible message on a closed ticket.
    const history = await rawRows<{ n: number }>(
      t.db,
      `SELECT COUNT(*) AS n FROM b_ticket_message m JOIN b_ticket t ON t.ID = m.TICKET_ID
        WHERE t.DATE_CLOSE IS NOT NULL AND m.IS_LOG = 'N' AND m.IS_HIDDEN = 'N'
          AND m.MESSAGE_BY_SUPPORT_TEAM = 'N'`,
    );
    expect(Number(history[0].n)).toBeGreaterThan(0);

    const capture = captureQueries(t.db);
    const result = await syncOnce(syncDeps(t), { reconcile: 'off' });
    capture.stop();
    expect(result.tickets).toBeGreaterThan(0);
    expect(result.messages).toBeGreaterThan(0);
    expect(result.changedTickets).toBe(0);
    const byIds = capture.queries.filter((q) => /from `b_ticket` as `t`[\s\S]*\bt\.ID IN \(/i.test(q.sql));
    expect(byIds.map((q) => q.sql.slice(0, 120))).toEqual([]);
  });
});
