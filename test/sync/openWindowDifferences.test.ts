import { generateTickets } from '../../fixtures/generate';
import { UfColumns } from '../../bridge/nativeTickets';
import { detectSyncCapabilities } from '../../sync/capabilitiesCache';
import { openWindowDifferences } from '../../sync/store/openStates';
import { StateSignatures, stateSignaturesFor } from '../../sync/store/stateSignatures';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * The change phase's comparison in the server: a settled site has no candidate (the SQL signatures
 * render what Node's did), and each kind of change names exactly its tickets, also when the list does
 * not fit in GROUP_CONCAT (group_concat_max_len cut on one connection).
 */
describe('the server-side comparison of an open window', () => {
  let t: TestDatabase;
  let signatures: StateSignatures;
  let open: number[];
  const all = { afterId: 0, upToId: Number.MAX_SAFE_INTEGER, limit: 100_000 };
  beforeAll(async () => {
    t = await installedSite();
    await generateTickets(t.db, {
      tickets: 400,
      messagesPerTicket: 2,
      zone: FIXTURE_ZONE,
      startAt: msk('2023-06-01 09:00:00'),
      closedPercent: 40,
    });
    await syncOnce(syncDeps(t), { reconcile: 'full' });
    const caps = await detectSyncCapabilities(t.db);
    const uf: UfColumns = { orderId: caps.ufOrderId !== null, computed: caps.computedFields };
    signatures = stateSignaturesFor(caps, uf);
    const rows = await t
      .db('bl_support_ticket')
      .where('is_open', 1)
      .orderBy('id')
      .select<Array<{ id: number }>>('id');
    open = rows.map((r) => Number(r.id));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('finds nothing on a settled site, and counts the window', async () => {
    const window = await openWindowDifferences(t.db, all, signatures);
    expect(window).toEqual({ rows: open.length, lastId: open[open.length - 1], differing: [] });
    const part = await openWindowDifferences(
      t.db,
      { afterId: open[9], upToId: all.upToId, limit: 5 },
      signatures,
    );
    expect(part).toEqual({ rows: 5, lastId: open[14], differing: [] });
  });

  it('names the changed, the overwritten and the vanished tickets, past a cut GROUP_CONCAT', async () => {
    const changed = open.slice(0, 120);
    const overwritten = open[150];
    const vanished = open[200];
    await t.db('b_ticket').whereIn('ID', changed).update({ TIMESTAMP_X: '2024-02-03 04:05:06' });
    // The installer registers the computed fields (the first, a deadline); the first pass wrote them.
    const [computed] = (await detectSyncCapabilities(t.db)).computedFields;
    expect(computed).toBeDefined();
    const written = await t.db('bl_support_ticket').where('id', overwritten).first('uf_state');
    expect(written.uf_state).not.toBeNull();
    await t
      .db('b_uts_support')
      .where('VALUE_ID', overwritten)
      .update({ [computed]: '2030-01-02 03:04:05' });
    await t.db('b_ticket').where('ID', vanished).delete();
    const expected = [...changed, overwritten, vanished];

    const whole = await openWindowDifferences(t.db, all, signatures);
    expect([...whole.differing].sort((a, b) => a - b)).toEqual(expected);
    const cut = await t.db.transaction(async (trx) => {
      await trx.raw('SET SESSION group_concat_max_len = 16');
      const found = await openWindowDifferences(trx, all, signatures);
      await trx.raw('SET SESSION group_concat_max_len = DEFAULT');
      return found;
    });
    expect([...cut.differing].sort((a, b) => a - b)).toEqual(expected);
    expect(cut.rows).toBe(open.length);
  });
});
