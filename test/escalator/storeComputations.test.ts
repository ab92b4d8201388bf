import { validateConfig } from '../../config/config';
import { computeTickets } from '../../escalator/state/computeState';
import { createSlaRefreshDeps } from '../../escalator/state/refreshDeps';
import { refreshStaleSla } from '../../escalator/state/refreshSla';
import { pendingDueAt, storeComputation, writeComputations } from '../../escalator/state/storeState';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, syncDeps } from '../sync/harness';

/**
 * Many SLA computations stored at once (the refresh of stale tickets, writeComputations): what is stored
 * is what one store per ticket (storeComputation) stored, and a ticket whose history moved on since it
 * was read is left stale.
 */
describe('storing many SLA computations at once', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
  });
  afterAll(async () => {
    await t.drop();
  });

  const slaState = () =>
    t
      .db('bl_support_ticket')
      .orderBy('id')
      .select(
        'id',
        'first_reply_deadline',
        'sla_deadline',
        'paused_minutes',
        'sla_paused',
        'first_reply_breached',
        'resolution_breached',
        'next_due_at',
        'sla_version',
        'sla_stale',
        'uf_state',
      );
  const userFields = () =>
    t.db('b_uts_support').orderBy('VALUE_ID').select('VALUE_ID', 'UF_SLA_DEADLINE', 'UF_TICKET_NUMBER');

  // Everything stale again and its stored SLA and user fields gone: the next store starts from scratch.
  const forgetStoredSla = async () => {
    await t.db('bl_support_ticket').update({
      sla_stale: 1,
      first_reply_deadline: null,
      sla_deadline: null,
      next_due_at: null,
      uf_state: null,
    });
    await t.db('b_uts_support').update({ UF_SLA_DEADLINE: null, UF_TICKET_NUMBER: null });
  };

  it('stores what one store per ticket stored, and skips a ticket whose version moved on', async () => {
    const deps = await createSlaRefreshDeps(t.db, validateConfig({}), FIXTURE_ZONE);
    const now = referenceClock().now();
    const ids = (await slaState()).map((r) => Number(r.id));

    // The reference: each ticket computed and stored in a transaction of its own.
    await forgetStoredSla();
    for (const computation of await computeTickets(t.db, deps, ids, now))
      expect(await storeComputation(t.db, deps, computation, pendingDueAt(computation))).toBe(true);
    const stored = await slaState();
    const storedFields = await userFields();
    expect(stored.length).toBeGreaterThan(3);
    expect(stored.every((r) => Number(r.sla_stale) === 0)).toBe(true);
    expect(stored.filter((r) => r.first_reply_deadline !== null).length).toBeGreaterThan(0);
    expect(storedFields.filter((r) => r.UF_TICKET_NUMBER !== null).length).toBe(stored.length);

    // The refresh of stale tickets stores the same.
    await forgetStoredSla();
    await refreshStaleSla(deps, now, 10_000);
    expect(await slaState()).toEqual(stored);
    expect(await userFields()).toEqual(storedFields);

    // All at once, with the batch writer.
    await forgetStoredSla();
    const computed = await computeTickets(t.db, deps, ids, now);
    // History written after the computation read it: that ticket must not be stored.
    const moved = ids[1];
    await t.db('bl_support_ticket').where({ id: moved }).increment('sla_version', 1);

    const count = await t.db.transaction((trx) =>
      writeComputations(
        trx,
        deps,
        computed.map((computation) => ({ computation, nextDueAt: pendingDueAt(computation) })),
      ),
    );
    expect(count).toBe(ids.length - 1);
    const after = await slaState();
    expect(after.filter((r) => Number(r.id) !== moved)).toEqual(stored.filter((r) => Number(r.id) !== moved));
    const skipped = after.find((r) => Number(r.id) === moved)!;
    expect(Number(skipped.sla_stale)).toBe(1);
    expect(skipped.first_reply_deadline).toBeNull();
    const fields = await userFields();
    expect(fields.filter((r) => Number(r.VALUE_ID) !== moved)).toEqual(
      storedFields.filter((r) => Number(r.VALUE_ID) !== moved),
    );
    expect(fields.find((r) => Number(r.VALUE_ID) === moved)?.UF_TICKET_NUMBER ?? null).toBeNull();
  });
});
