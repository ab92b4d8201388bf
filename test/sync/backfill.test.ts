import { FIXTURE } from '../../fixtures/seed';
import { BxsupError } from '../../core/errors';
import { syncOnce } from '../../sync/syncOnce';
import { dumpDatabase } from '../helpers/dump';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { loadBitrixFixture } from '../../fixtures/seed';
import { FIXTURE_ZONE } from '../helpers/clock';
import { installedSite, memoryLogger, outbox, syncDeps } from './harness';

/**
 * The first pass over the fixture site: every ticket and message mirrored with values derived by hand
 * from the fixture's story (fixtures/seed/tickets.ts, Moscow time = UTC+3), and nothing mailed, since
 * all of it happened before the install.
 */
const T = FIXTURE.tickets;
const utc = (iso: string) => iso.replace('T', ' ').replace('Z', '');

describe('sync backfill of the fixture site', () => {
  let t: TestDatabase;
  const log = memoryLogger();
  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t, { logger: log.logger }), { reconcile: 'full' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('numbers tickets per site-local creation day, in ID order', async () => {
    const rows = await t.db('bl_support_ticket').orderBy('id').select('id', 'number');
    expect(rows).toEqual([
      { id: T.closed.id, number: 'SUP-20240226-0001' },
      { id: T.autoClosed.id, number: 'SUP-20240228-0001' },
      { id: T.reopened.id, number: 'SUP-20240304-0001' },
      { id: T.foreignOrderInMessage.id, number: 'SUP-20240306-0001' },
      { id: T.internalNote.id, number: 'SUP-20240307-0001' },
      { id: T.guest.id, number: 'SUP-20240308-0001' },
      { id: T.answered.id, number: 'SUP-20240311-0001' },
      { id: T.awaitingCustomer.id, number: 'SUP-20240311-0002' },
      { id: T.openNoReply.id, number: 'SUP-20240311-0003' },
      { id: T.orderInTitle.id, number: 'SUP-20240311-0004' },
      // 06:50 Moscow on the 12th is still the 11th in UTC: the day is the site's.
      { id: T.htmlTitle.id, number: 'SUP-20240312-0001' },
    ]);
  });

  it('maps owner, priority, status, category, assignee and group', async () => {
    const rows = await t
      .db('bl_support_ticket')
      .orderBy('id')
      .select(
        'id',
        'user_id',
        'guest_email',
        'priority',
        'status',
        'category',
        'assigned_to',
        'group_id',
        'is_open',
      );
    const row = (id: number) => rows.find((r) => r.id === id);
    expect(row(T.closed.id)).toMatchObject({
      user_id: 6,
      priority: 1,
      status: 'closed',
      category: 'Ошибки',
      assigned_to: 2,
      group_id: 1,
      is_open: 0,
    });
    expect(row(T.autoClosed.id)).toMatchObject({
      user_id: 7,
      priority: 2,
      status: 'closed',
      category: 'Order payment',
      assigned_to: null,
      group_id: null,
      is_open: 0,
    });
    // Closed as "Успешно решено", then reopened by the customer's message: STATUS_ID still says solved,
    // DATE_CLOSE is gone and the customer spoke last, so the ticket is open (they wait for an answer).
    expect(row(T.reopened.id)).toMatchObject({
      priority: 3,
      status: 'open',
      category: 'Доставка заказа',
      assigned_to: 2,
      is_open: 1,
    });
    expect(row(T.foreignOrderInMessage.id)).toMatchObject({
      user_id: 8,
      priority: 2,
      status: 'open',
      assigned_to: null,
    });
    expect(row(T.internalNote.id)).toMatchObject({
      user_id: 6,
      priority: 2,
      status: 'open',
      category: 'Оплата заказа',
      assigned_to: 2,
      group_id: 1,
    });
    // A guest: no user, OWNER_SID kept; no criticality → normal; no status, client spoke last → open.
    expect(row(T.guest.id)).toMatchObject({
      user_id: null,
      guest_email: FIXTURE.expect.guestSid,
      priority: 2,
      status: 'open',
    });
    expect(row(T.answered.id)).toMatchObject({
      user_id: 7,
      priority: 3,
      status: 'open',
      category: 'Bugs',
      assigned_to: 4,
      group_id: 1,
    });
    expect(row(T.awaitingCustomer.id)).toMatchObject({
      priority: 1,
      status: 'in_progress',
      assigned_to: 3,
      group_id: 1,
    });
    expect(row(T.openNoReply.id)).toMatchObject({
      priority: 2,
      status: 'open',
      category: 'Ошибки',
      assigned_to: null,
      group_id: null,
    });
    expect(row(T.htmlTitle.id)).toMatchObject({ priority: 2, status: 'open', category: 'Order payment' });
  });

  it('keeps multi-byte text and markup of titles as written', async () => {
    const row = await t.db('bl_support_ticket').where('id', T.htmlTitle.id).first('subject');
    expect(row.subject).toBe(FIXTURE.expect.htmlTitle);
    const message = await t.db('bl_support_message').where('ticket_id', T.htmlTitle.id).first('body');
    expect(message.body).toBe(
      'Hello! Возврат так и не пришёл. Ёлки-палки: € 49,90 — “quotes”, знак №, ½, 日本語.',
    );
  });

  it('stores times in UTC: creation, first reply, resolution, SLA deadlines', async () => {
    const rows = await t
      .db('bl_support_ticket')
      .orderBy('id')
      .select(
        'id',
        'created_at',
        'first_reply_at',
        'resolved_at',
        'reopen_count',
        'first_reply_deadline',
        'sla_deadline',
      );
    const row = (id: number) => rows.find((r) => r.id === id);
    // Olga answered at 11:30 Moscow; closed at 12:40 Moscow; low priority: 1440 / 5760 minutes.
    expect(row(T.closed.id)).toEqual({
      id: 1,
      created_at: utc('2024-02-26T07:05:00Z'),
      first_reply_at: utc('2024-02-26T08:30:00Z'),
      resolved_at: utc('2024-02-26T09:40:00Z'),
      reopen_count: 0,
      first_reply_deadline: utc('2024-02-27T07:05:00Z'),
      sla_deadline: utc('2024-03-01T07:05:00Z'),
    });
    // Auto-closed by the agent at 03:00 Moscow on 3 March; normal priority: 480 / 2880 minutes
    // (two days after 28 February 2024 is 1 March: a leap year).
    expect(row(T.autoClosed.id)).toMatchObject({
      first_reply_at: utc('2024-02-28T13:10:00Z'),
      resolved_at: utc('2024-03-03T00:00:00Z'),
      first_reply_deadline: utc('2024-02-28T20:00:00Z'),
      sla_deadline: utc('2024-03-01T12:00:00Z'),
    });
    // Reopened before the install: no resolution; the module left no trace of the reopen in b_ticket
    // (REOPEN is back to 'N'), and history's log lines are not read, so it is not counted (a reopen
    // after the install is: test/sync/reopen.test.ts); high priority: 240 / 1440.
    expect(row(T.reopened.id)).toMatchObject({
      first_reply_at: utc('2024-03-04T07:00:00Z'),
      resolved_at: null,
      reopen_count: 0,
      first_reply_deadline: utc('2024-03-04T10:15:00Z'),
      sla_deadline: utc('2024-03-05T06:15:00Z'),
    });
    // Only an internal note from staff: no first reply.
    expect(row(T.internalNote.id)).toMatchObject({ first_reply_at: null, resolved_at: null });
    // The responsible is inactive now, but MESSAGE_BY_SUPPORT_TEAM='Y' recorded the side at write time.
    expect(row(T.answered.id)).toMatchObject({ first_reply_at: utc('2024-03-11T07:00:00Z') });
    expect(row(T.awaitingCustomer.id)).toMatchObject({ first_reply_at: utc('2024-03-11T08:40:00Z') });
    for (const id of [
      T.foreignOrderInMessage.id,
      T.guest.id,
      T.openNoReply.id,
      T.orderInTitle.id,
      T.htmlTitle.id,
    ])
      expect(row(id)).toMatchObject({ first_reply_at: null, resolved_at: null, reopen_count: 0 });
  });

  it('mirrors every non-log message, internal notes flagged, staff told from clients', async () => {
    const messages = await t
      .db('bl_support_message')
      .orderBy('id')
      .select('ticket_id', 'author_id', 'is_internal', 'is_staff');
    // FIXTURE.tickets[*].messages counts visible non-log messages (19); plus the one internal note.
    expect(messages).toHaveLength(20);
    const logLines = await t.db('b_ticket_message').where('IS_LOG', 'Y').pluck('ID');
    expect(await t.db('bl_support_message').whereIn('id', logLines).count({ n: '*' })).toEqual([{ n: 0 }]);
    const byTicket = (id: number) => messages.filter((m) => m.ticket_id === id);
    expect(byTicket(T.closed.id)).toEqual([
      { ticket_id: 1, author_id: 6, is_internal: 0, is_staff: 0 },
      { ticket_id: 1, author_id: 2, is_internal: 0, is_staff: 1 },
      { ticket_id: 1, author_id: 6, is_internal: 0, is_staff: 0 },
    ]);
    expect(byTicket(T.internalNote.id)).toEqual([
      { ticket_id: 5, author_id: 6, is_internal: 0, is_staff: 0 },
      { ticket_id: 5, author_id: 2, is_internal: 1, is_staff: 1 },
    ]);
    expect(byTicket(T.guest.id)).toEqual([{ ticket_id: 6, author_id: null, is_internal: 0, is_staff: 0 }]);
  });

  it("links the owner's order named in the title and writes it back to UF_ORDER_ID", async () => {
    const row = await t
      .db('bl_support_ticket')
      .where('id', T.orderInTitle.id)
      .first('order_id', 'order_source');
    expect(row).toEqual({ order_id: FIXTURE.orders.mariaTemplated.id, order_source: 'title' });
    const uf = await t.db('b_uts_support').where('VALUE_ID', T.orderInTitle.id).first('UF_ORDER_ID');
    expect(uf).toEqual({ UF_ORDER_ID: FIXTURE.orders.mariaTemplated.id });
  });

  it("never links another customer's order, and says so in the log", async () => {
    const row = await t
      .db('bl_support_ticket')
      .where('id', T.foreignOrderInMessage.id)
      .first('order_id', 'order_source');
    expect(row).toEqual({ order_id: null, order_source: null });
    // The row exists (the SLA refresh keeps UF_SLA_DEADLINE / UF_TICKET_NUMBER there); no order in it.
    expect(
      (await t.db('b_uts_support').where('VALUE_ID', T.foreignOrderInMessage.id).first('UF_ORDER_ID'))
        ?.UF_ORDER_ID ?? null,
    ).toBeNull();
    const warning = log
      .lines()
      .map((l) => JSON.parse(l))
      .find((l) => l.level === 'warn' && l.ticketId === T.foreignOrderInMessage.id);
    expect(warning).toMatchObject({
      orderId: FIXTURE.orders.johnDelivered.id,
      orderUserId: FIXTURE.users.customerJohn,
    });
    const linked = await t.db('bl_support_ticket').whereNotNull('order_id').pluck('id');
    expect(linked).toEqual([T.orderInTitle.id]);
  });

  it('mails nothing for history', async () => {
    expect(await outbox(t)).toEqual([]);
  });

  it('leaves b_ticket untouched (the write-back goes to b_uts_support only)', async () => {
    const modified = await t.db('b_ticket').where('MODIFIED_MODULE_NAME', 'bxsup').count({ n: '*' });
    expect(modified).toEqual([{ n: 0 }]);
  });

  it('a second pass changes nothing', async () => {
    const before = await dumpDatabase(t.db);
    const result = await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(result).toMatchObject({
      tickets: 0,
      messages: 0,
      events: 0,
      changedTickets: 0,
      deletedTickets: 0,
    });
    // The reconciliation stamps when it finished: the only row allowed to move.
    const strip = (dump: string) => dump.replace(/bl_support_cursor: \{"name":"reconcile_done_ms".*\n?/, '');
    expect(strip(await dumpDatabase(t.db))).toBe(strip(before));
  });
});

describe('sync against a schema from a newer bxsup', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('refuses with SCHEMA_TOO_NEW and touches nothing', async () => {
    await t
      .db('bl_support_schema_migrations')
      .insert({ version: 999, name: 'future', applied_at: '2030-01-01 00:00:00' });
    await expect(syncOnce(syncDeps(t))).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
    expect(await t.db('bl_support_ticket').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});

describe('sync before install', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db, { zone: FIXTURE_ZONE });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('refuses with SCHEMA_NOT_INSTALLED and says to run bxsup install', async () => {
    const failure = syncOnce(syncDeps(t));
    await expect(failure).rejects.toBeInstanceOf(BxsupError);
    await expect(failure).rejects.toMatchObject({
      code: 'SCHEMA_NOT_INSTALLED',
      message: expect.stringMatching(/run bxsup install first/),
    });
  });
});
