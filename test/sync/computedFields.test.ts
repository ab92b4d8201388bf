import { FIXTURE } from '../../fixtures/seed';
import { syncOnce } from '../../sync/syncOnce';
import { TestDatabase } from '../helpers/db';
import { installedSite, syncDeps } from './harness';

/**
 * The forms overwrite computed fields: the public support.ticket.edit copies every UF_* of the request
 * into the ticket, and an admin form (of a bxsup before EDIT_IN_LIST='N') re-posts the values it showed.
 * The daemon compares what b_uts_support holds with what it last wrote and writes its values again.
 */
const T = FIXTURE.tickets;

async function computed(t: TestDatabase, id: number) {
  return t.db('b_uts_support').where('VALUE_ID', id).first('UF_SLA_DEADLINE', 'UF_TICKET_NUMBER');
}

/** What CTicket::Set does on a form save: b_ticket touched, then the UF manager's Update of the posted UF_*. */
async function formSave(t: TestDatabase, id: number, values: Record<string, string | null>, touch = true) {
  if (touch) await t.db('b_ticket').where('ID', id).update({ TIMESTAMP_X: '2024-03-12 10:40:00' });
  await t.db('b_uts_support').where('VALUE_ID', id).update(values);
}

describe('computed user fields a form overwrote are restored', () => {
  let t: TestDatabase;
  let open: { UF_SLA_DEADLINE: string | null; UF_TICKET_NUMBER: string };
  let closed: { UF_SLA_DEADLINE: string | null; UF_TICKET_NUMBER: string };

  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
    open = await computed(t, T.openNoReply.id);
    closed = await computed(t, T.closed.id);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('the daemon wrote them: the number, and the deadline in force (none once closed)', () => {
    expect(open.UF_TICKET_NUMBER).toMatch(/^SUP-20240311-\d{4}$/);
    expect(open.UF_SLA_DEADLINE).toMatch(/^2024-03-1\d \d\d:\d\d:\d\d$/);
    expect(closed).toEqual({ UF_SLA_DEADLINE: null, UF_TICKET_NUMBER: expect.stringMatching(/^SUP-2024/) });
  });

  it('a public form posting UF_TICKET_NUMBER and UF_SLA_DEADLINE: restored by the next poll', async () => {
    await formSave(t, T.openNoReply.id, {
      UF_TICKET_NUMBER: 'HACKED',
      UF_SLA_DEADLINE: '2030-01-01 00:00:00',
    });
    const result = await syncOnce(syncDeps(t));
    expect(result.restoredFields).toBe(1);
    expect(await computed(t, T.openNoReply.id)).toEqual(open);
  });

  it('an overwrite that left b_ticket untouched is seen too (values, not TIMESTAMP_X, are compared)', async () => {
    await formSave(t, T.openNoReply.id, { UF_TICKET_NUMBER: '', UF_SLA_DEADLINE: null }, false);
    await syncOnce(syncDeps(t));
    expect(await computed(t, T.openNoReply.id)).toEqual(open);
  });

  it('on a closed ticket the reconciliation restores them', async () => {
    await formSave(t, T.closed.id, { UF_TICKET_NUMBER: 'X' });
    await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(await computed(t, T.closed.id)).toEqual(closed);
  });

  it('values as written cause no restore: idle polls stay idle', async () => {
    const again = await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(again.restoredFields).toBe(0);
    expect(again.changedTickets).toBe(0);
  });
});
