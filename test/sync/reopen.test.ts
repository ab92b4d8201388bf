import { Db } from '../../core/db';
import { FIXTURE, openBitrixSession } from '../../fixtures/seed';
import { addMessage, closeTicket, reopenTicket } from '../../fixtures/nativeWriter';
import { membershipActive, staffAmong } from '../../bridge/staff';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * The real module reopens without a trace in b_ticket (status unchanged, REOPEN reset to 'N' in the same
 * call), and closed tickets are outside the change phase's open set: reopens are found in the fast path,
 * from the new rows (a customer message on a ticket the mirror holds closed, the "ticket opened" log
 * line), and counted right even when the close and the reopen fall between two polls.
 */
const T = FIXTURE.tickets;
const U = FIXTURE.users;
const zone = FIXTURE_ZONE;

/** A write as Bitrix's PHP makes it (sql_mode=''), which is how zero dates get into real tables. */
async function asBitrix(t: TestDatabase, write: (bx: Db) => Promise<unknown>): Promise<void> {
  const bx = openBitrixSession(t.db);
  try {
    await write(bx);
  } finally {
    await bx.destroy();
  }
}

async function mirror(t: TestDatabase, id: number) {
  return t.db('bl_support_ticket').where('id', id).first('status', 'is_open', 'resolved_at', 'reopen_count');
}
async function history(t: TestDatabase, id: number) {
  return (
    await t.db('bl_support_ticket_event').where('ticket_id', id).orderBy('id').select('kind', 'at')
  ).map((e: { kind: string; at: string }) => `${e.kind} ${e.at}`);
}

describe('reopens in the fast path', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a customer writes to a closed ticket and the form reopens it: seen by the next poll, not 5 minutes later', async () => {
    expect(await mirror(t, T.closed.id)).toMatchObject({ status: 'closed', is_open: 0, reopen_count: 0 });
    await reopenTicket(t.db, zone, {
      ticketId: T.closed.id,
      byUserId: U.customerMaria,
      message: 'Письмо снова не приходит',
      at: msk('2024-03-12 10:40:00'),
    });
    await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect(await mirror(t, T.closed.id)).toMatchObject({ is_open: 1, resolved_at: null, reopen_count: 1 });
    expect((await mirror(t, T.closed.id)).status).not.toMatch(/closed|resolved/);
    expect((await history(t, T.closed.id)).at(-1)).toBe('reopened 2024-03-12 07:40:00');
  });

  it('staff reopen from the admin form (no message): the "ticket opened" log line is enough', async () => {
    await closeTicket(t.db, zone, {
      ticketId: T.answered.id,
      byUserId: U.operatorIvan,
      at: msk('2024-03-12 10:41:00'),
    });
    await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect(await mirror(t, T.answered.id)).toMatchObject({ is_open: 0 });
    await reopenTicket(t.db, zone, {
      ticketId: T.answered.id,
      byUserId: U.operatorIvan,
      bySupport: true,
      at: msk('2024-03-12 10:42:00'),
    });
    await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect(await mirror(t, T.answered.id)).toMatchObject({ is_open: 1, reopen_count: 1 });
  });

  it('closed and reopened between two polls: the reopen counts, and the history has both', async () => {
    const id = T.openNoReply.id;
    await closeTicket(t.db, zone, { ticketId: id, byUserId: U.operatorOlga, at: msk('2024-03-12 10:43:00') });
    await reopenTicket(t.db, zone, {
      ticketId: id,
      byUserId: U.customerAlexey,
      message: 'Нет, не работает',
      at: msk('2024-03-12 10:44:00'),
    });
    await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect(await mirror(t, id)).toMatchObject({ is_open: 1, resolved_at: null, reopen_count: 1 });
    expect((await history(t, id)).slice(-2)).toEqual([
      'closed 2024-03-12 07:43:00',
      'reopened 2024-03-12 07:44:00',
    ]);
    // A later pass and a full reconciliation count nothing twice.
    await addMessage(t.db, zone, {
      ticketId: id,
      authorUserId: U.operatorOlga,
      bySupport: true,
      text: 'Проверяем',
      at: msk('2024-03-12 10:50:00'),
    });
    await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(await mirror(t, id)).toMatchObject({ reopen_count: 1 });
  });
});

describe('zero dates, as Bitrix reads them', () => {
  let t: TestDatabase;
  let zeroClosed: number;
  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
  });
  afterAll(async () => {
    await t.drop();
  });

  it("DATE_CLOSE '0000-00-00 00:00:00' is closed (Bitrix tests `is not null`): no created mail, no escalation", async () => {
    // A row written by old code under an empty sql_mode: a new ticket, closed with a zero date.
    const [id] = await t.db('b_ticket').insert({
      SITE_ID: 's1',
      DATE_CREATE: '2024-03-12 10:00:00',
      TIMESTAMP_X: '2024-03-12 10:00:00',
      TITLE: 'Старое обращение',
      OWNER_USER_ID: U.customerMaria,
      LAST_MESSAGE_DATE: '2024-03-12 10:00:00',
    });
    zeroClosed = Number(id);
    await asBitrix(t, (bx) =>
      bx.raw("UPDATE b_ticket SET DATE_CLOSE = '0000-00-00 00:00:00' WHERE ID = ?", [zeroClosed]),
    );
    await syncOnce(syncDeps(t));
    expect(
      await t.db('bl_support_ticket').where('id', zeroClosed).first('status', 'is_open', 'next_due_at'),
    ).toEqual({
      status: 'closed',
      is_open: 0,
      next_due_at: null,
    });
    expect(await t.db('bl_support_outbox').where('ticket_id', zeroClosed).count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('a zero DATE_CREATE: the ticket began with its first message (number and SLA from that day)', async () => {
    const [id] = await t
      .db('b_ticket')
      .insert({ SITE_ID: 's1', TITLE: 'Без даты', OWNER_USER_ID: U.customerMaria });
    await t.db('b_ticket_message').insert({
      TICKET_ID: id,
      C_NUMBER: 1,
      DATE_CREATE: '2024-03-12 09:15:00',
      TIMESTAMP_X: '2024-03-12 09:15:00',
      MESSAGE: 'Здравствуйте',
      OWNER_USER_ID: U.customerMaria,
      MESSAGE_BY_SUPPORT_TEAM: 'N',
    });
    await asBitrix(t, (bx) =>
      bx.raw("UPDATE b_ticket SET DATE_CREATE = '0000-00-00 00:00:00' WHERE ID = ?", [id]),
    );
    await syncOnce(syncDeps(t));
    const row = await t.db('bl_support_ticket').where('id', id).first('number', 'created_at');
    expect(row).toEqual({
      number: expect.stringMatching(/^SUP-20240312-/),
      created_at: '2024-03-12 06:15:00',
    });
  });

  it("b_user_group: a zero DATE_ACTIVE_TO has ended (Bitrix's `>= NOW()`), a zero DATE_ACTIVE_FROM is no limit", async () => {
    const now = '2024-03-12 10:30:00';
    expect(membershipActive('0000-00-00 00:00:00', null, now)).toBe(true);
    expect(membershipActive(null, '0000-00-00 00:00:00', now)).toBe(false);
    expect(membershipActive(null, '2024-03-12 10:30:00', now)).toBe(true);
    expect(membershipActive('2024-03-13 00:00:00', null, now)).toBe(false);
    // And as the sync meets it: Ivan's staff membership with a zero end is no membership any more.
    await asBitrix(t, (bx) =>
      bx.raw(
        "UPDATE b_user_group SET DATE_ACTIVE_TO = '0000-00-00 00:00:00' WHERE USER_ID = ? AND GROUP_ID = ?",
        [U.operatorIvan, FIXTURE.groups.supportStaff],
      ),
    );
    expect([...(await staffAmong(t.db, [U.operatorIvan, U.operatorOlga], now))]).toEqual([U.operatorOlga]);
  });
});
