import { FIXTURE } from '../../fixtures/seed';
import { syncOnce } from '../../sync/syncOnce';
import { TestDatabase } from '../helpers/db';
import { installedSite, outbox, syncDeps } from './harness';

/**
 * Rows that do not arrive in primary-key order (an ID taken before a higher one but committed after it),
 * messages of tickets that are not (or no longer) there, and deleted tickets.
 */
const U = FIXTURE.users;

function ticketRow(id: number, at: string) {
  return {
    ID: id,
    SITE_ID: 's1',
    DATE_CREATE: at,
    DAY_CREATE: at.slice(0, 10),
    TIMESTAMP_X: at,
    TITLE: `Обращение ${id}`,
    OWNER_USER_ID: U.customerAlexey,
    CREATED_MODULE_NAME: 'support',
    MODIFIED_MODULE_NAME: 'support',
  };
}
function messageRow(id: number, ticketId: number, at: string, staff: boolean) {
  return {
    ID: id,
    TICKET_ID: ticketId,
    DATE_CREATE: at,
    TIMESTAMP_X: at,
    C_NUMBER: 1,
    MESSAGE: staff ? 'Ответ поддержки' : 'Вопрос клиента',
    OWNER_USER_ID: staff ? U.operatorOlga : U.customerAlexey,
    MESSAGE_BY_SUPPORT_TEAM: staff ? 'Y' : 'N',
    CREATED_MODULE_NAME: 'support',
  };
}

describe('out-of-order rows and deletions', () => {
  let t: TestDatabase;
  let m: number;
  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
    m = Number((await t.db('b_ticket_message').max({ m: 'ID' }))[0].m);
    // Ticket 13 commits first (with a gap left at 12, and one at message m+1).
    await t.db('b_ticket').insert(ticketRow(13, '2024-03-12 12:00:00'));
    await t.db('b_ticket_message').insert(messageRow(m + 2, 13, '2024-03-12 12:00:00', false));
    await syncOnce(syncDeps(t), { reconcile: 'off' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('mirrors a ticket committed after a higher ID, when its messages arrive', async () => {
    await t.db('b_ticket').insert(ticketRow(12, '2024-03-12 11:59:00'));
    await t.db('b_ticket_message').insert([
      messageRow(m + 3, 12, '2024-03-12 11:59:00', false),
      messageRow(m + 4, 12, '2024-03-12 12:03:00', true),
      // A message of a ticket Bitrix does not have: skipped, and it holds nothing up.
      messageRow(m + 5, 999, '2024-03-12 12:04:00', false),
      messageRow(m + 6, 13, '2024-03-12 12:05:00', false),
    ]);
    const result = await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect(result).toMatchObject({ tickets: 1, messages: 3 });
    expect(
      await t
        .db('bl_support_message')
        .whereIn('id', [m + 3, m + 4, m + 5, m + 6])
        .orderBy('id')
        .pluck('id'),
    ).toEqual([m + 3, m + 4, m + 6]);
    expect((await outbox(t)).map((e) => e.event_key)).toEqual(['created:13', 'created:12', `reply:${m + 4}`]);
    expect((await t.db('bl_support_cursor').where('name', 'message').first('value')).value).toBe(m + 6);
  });

  it('the reconciliation mirrors a message the cursor passed by', async () => {
    await t.db('b_ticket_message').insert(messageRow(m + 1, 13, '2024-03-12 12:02:00', true));
    expect((await syncOnce(syncDeps(t), { reconcile: 'off' })).messages).toBe(0);
    const result = await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(result.messages).toBe(1);
    expect(
      await t
        .db('bl_support_message')
        .where('id', m + 1)
        .first('is_staff'),
    ).toEqual({ is_staff: 1 });
    expect((await outbox(t)).map((e) => e.event_key)).toContain(`reply:${m + 1}`);
  });

  it('marks deleted tickets, open ones at the next poll and closed ones at reconciliation, keeping numbers', async () => {
    const open = FIXTURE.tickets.openNoReply.id;
    const closed = FIXTURE.tickets.autoClosed.id;
    for (const id of [open, closed]) {
      await t.db('b_ticket_message').where('TICKET_ID', id).delete();
      await t.db('b_ticket').where('ID', id).delete();
    }
    const events = (await outbox(t)).length;
    const poll = await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect(poll.deletedTickets).toBe(1);
    const sweep = await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(sweep.deletedTickets).toBe(1);
    const rows = await t
      .db('bl_support_ticket')
      .whereIn('id', [open, closed])
      .orderBy('id')
      .select('id', 'number', 'is_open', 'deleted_at');
    expect(rows).toEqual([
      { id: closed, number: 'SUP-20240228-0001', is_open: 0, deleted_at: '2024-03-12 07:30:00' },
      { id: open, number: 'SUP-20240311-0003', is_open: 0, deleted_at: '2024-03-12 07:30:00' },
    ]);
    expect((await outbox(t)).length).toBe(events);
  });
});
