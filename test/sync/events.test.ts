import { EventEmitter } from 'node:events';
import { FIXTURE } from '../../fixtures/seed';
import {
  addMessage,
  autoCloseTicket,
  changeTicket,
  closeTicket,
  createTicket,
  reopenTicket,
} from '../../fixtures/nativeWriter';
import { syncOnce } from '../../sync/syncOnce';
import { SyncEventMap, TicketSyncedEvent } from '../../sync/types';
import { referenceClock, FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, outbox, syncDeps } from './harness';

/**
 * What happens after the install produces exactly one outbox event each: a new ticket, a visible staff
 * reply, a close (by staff or by the auto-close agent). Internal notes, log lines, client messages,
 * reopens and the bridge's own changes produce none.
 */
const T = FIXTURE.tickets;
const U = FIXTURE.users;
const D = FIXTURE.dictionary;
const zone = FIXTURE_ZONE;

describe('sync after install: outbox events', () => {
  let t: TestDatabase;
  const clock = referenceClock();
  const notices: TicketSyncedEvent[] = [];
  const events = new EventEmitter<SyncEventMap>();
  events.on('ticket:synced', (e) => notices.push(e));
  const deps = () => syncDeps(t, { clock, events });
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(deps(), { reconcile: 'full' });
    notices.length = 0;
    ids.newTicket = await createTicket(t.db, zone, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Не пришла посылка',
      message: 'Здравствуйте! По заказу №41 посылка так и не пришла.',
      categoryId: D.category.s1.shipping,
      criticalityId: D.criticality.s1.middle,
      statusId: D.status.s1.accepted,
      at: msk('2024-03-12 11:00:00'),
    });
    ids.staffReply = await addMessage(t.db, zone, {
      ticketId: T.openNoReply.id,
      authorUserId: U.operatorOlga,
      bySupport: true,
      text: 'Промокод действует только на товары без скидки.',
      autoCloseDays: 3,
      at: msk('2024-03-12 11:05:00'),
    });
    ids.note = await addMessage(t.db, zone, {
      ticketId: T.openNoReply.id,
      authorUserId: U.operatorOlga,
      bySupport: true,
      text: 'Внутреннее: проверить настройки скидок.',
      hidden: true,
      at: msk('2024-03-12 11:06:00'),
    });
    await changeTicket(t.db, zone, {
      ticketId: T.openNoReply.id,
      responsibleUserId: U.operatorIvan,
      byUserId: U.supervisor,
      at: msk('2024-03-12 11:07:00'),
    });
    ids.clientMessage = await addMessage(t.db, zone, {
      ticketId: T.awaitingCustomer.id,
      authorUserId: U.customerAlexey,
      bySupport: false,
      text: 'Заказ 45, новый адрес: Казань, ул. Баумана, 1.',
      at: msk('2024-03-12 11:08:00'),
    });
    await closeTicket(t.db, zone, {
      ticketId: T.awaitingCustomer.id,
      byUserId: U.operatorIvan,
      statusId: D.status.s1.solved,
      at: msk('2024-03-12 11:10:00'),
    });
    await reopenTicket(t.db, zone, {
      ticketId: T.closed.id,
      byUserId: U.customerMaria,
      at: msk('2024-03-12 11:12:00'),
    });
    // The bridge's own writes (the escalator raising a criticality, closing a ticket), with a log line.
    await t.db('b_ticket').where('ID', T.foreignOrderInMessage.id).update({
      CRITICALITY_ID: D.criticality.s1.high,
      MODIFIED_MODULE_NAME: 'bxsup',
      TIMESTAMP_X: '2024-03-12 11:13:00',
    });
    await t.db('b_ticket').where('ID', T.guest.id).update({
      DATE_CLOSE: '2024-03-12 11:14:00',
      MODIFIED_MODULE_NAME: 'bxsup',
      TIMESTAMP_X: '2024-03-12 11:14:00',
    });
    await t.db('b_ticket_message').insert({
      TICKET_ID: T.foreignOrderInMessage.id,
      C_NUMBER: 9,
      DATE_CREATE: '2024-03-12 11:13:00',
      TIMESTAMP_X: '2024-03-12 11:13:00',
      IS_LOG: 'Y',
      MESSAGE: '<li>Критичность: Высокая (bxsup: SLA)</li>',
      MESSAGE_BY_SUPPORT_TEAM: 'Y',
      OWNER_USER_ID: 1,
      CREATED_MODULE_NAME: 'bxsup',
    });
    clock.set(msk('2024-03-12 11:15:00'));
    await syncOnce(deps(), { reconcile: 'full' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('queues exactly: the new ticket, the staff reply, the close', async () => {
    expect(await outbox(t)).toEqual([
      {
        event_key: `created:${ids.newTicket}`,
        event_type: 'SUPPORT_TICKET_CREATED',
        ticket_id: ids.newTicket,
        message_id: null,
        state: 'pending',
      },
      {
        event_key: `reply:${ids.staffReply}`,
        event_type: 'SUPPORT_TICKET_REPLY',
        ticket_id: T.openNoReply.id,
        message_id: ids.staffReply,
        state: 'pending',
      },
      {
        event_key: `closed:${T.awaitingCustomer.id}:2024-03-12 11:10:00`,
        event_type: 'SUPPORT_TICKET_CLOSED',
        ticket_id: T.awaitingCustomer.id,
        message_id: null,
        state: 'pending',
      },
    ]);
    const row = await t
      .db('bl_support_outbox')
      .where('event_key', `created:${ids.newTicket}`)
      .first('available_at', 'created_at');
    expect(row).toEqual({ available_at: '2024-03-12 08:15:00', created_at: '2024-03-12 08:15:00' });
  });

  it('numbers the new ticket after the fixture ticket of the same day and links the order in its message', async () => {
    const row = await t
      .db('bl_support_ticket')
      .where('id', ids.newTicket)
      .first('number', 'order_id', 'order_source', 'first_message_id');
    expect(row).toMatchObject({
      number: 'SUP-20240312-0002',
      order_id: FIXTURE.orders.mariaDelivered.id,
      order_source: 'message',
    });
    expect(await t.db('b_uts_support').where('VALUE_ID', ids.newTicket).first('UF_ORDER_ID')).toEqual({
      UF_ORDER_ID: FIXTURE.orders.mariaDelivered.id,
    });
    // A client's mention of her order in a later message is not the opening message: not linked.
    expect(await t.db('bl_support_ticket').where('id', T.awaitingCustomer.id).first('order_id')).toEqual({
      order_id: null,
    });
  });

  it('mirrors the reply, the note and the client message, and the first reply time', async () => {
    const messages = await t
      .db('bl_support_message')
      .whereIn('id', [ids.staffReply, ids.note, ids.clientMessage])
      .orderBy('id')
      .select('id', 'is_internal', 'is_staff');
    expect(messages).toEqual([
      { id: ids.staffReply, is_internal: 0, is_staff: 1 },
      { id: ids.note, is_internal: 1, is_staff: 1 },
      { id: ids.clientMessage, is_internal: 0, is_staff: 0 },
    ]);
    const row = await t
      .db('bl_support_ticket')
      .where('id', T.openNoReply.id)
      .first('first_reply_at', 'assigned_to', 'group_id');
    expect(row).toEqual({
      first_reply_at: '2024-03-12 08:05:00',
      assigned_to: U.operatorIvan,
      group_id: FIXTURE.supportGroups.firstLine,
    });
  });

  it('closes, and reopens a ticket closed before the install: resolution cleared, one reopen', async () => {
    expect(
      await t
        .db('bl_support_ticket')
        .where('id', T.awaitingCustomer.id)
        .first('status', 'is_open', 'resolved_at'),
    ).toEqual({
      status: 'closed',
      is_open: 0,
      resolved_at: '2024-03-12 08:10:00',
    });
    expect(
      await t
        .db('bl_support_ticket')
        .where('id', T.closed.id)
        .first('status', 'is_open', 'resolved_at', 'reopen_count'),
    ).toEqual({
      // STATUS_ID still says solved; the customer reopened it and spoke last: open, not resolved.
      status: 'open',
      is_open: 1,
      resolved_at: null,
      reopen_count: 1,
    });
  });

  it("mirrors the bridge's own changes without events; deadlines follow the new priority", async () => {
    // Created 2024-03-06 14:30 Moscow (11:30 UTC); high: first reply 240 min, resolution 1440 min.
    expect(
      await t
        .db('bl_support_ticket')
        .where('id', T.foreignOrderInMessage.id)
        .first('priority', 'first_reply_deadline', 'sla_deadline'),
    ).toEqual({
      priority: 3,
      first_reply_deadline: '2024-03-06 15:30:00',
      sla_deadline: '2024-03-07 11:30:00',
    });
    expect(await t.db('bl_support_ticket').where('id', T.guest.id).first('status', 'is_open')).toEqual({
      status: 'closed',
      is_open: 0,
    });
  });

  it('announces what it synced', () => {
    const created = notices.filter((n) => n.kind === 'created').map((n) => n.ticketId);
    expect(created).toEqual([ids.newTicket]);
    const changed = new Set(notices.filter((n) => n.kind === 'changed').map((n) => n.ticketId));
    expect(changed).toEqual(
      new Set([T.openNoReply.id, T.awaitingCustomer.id, T.closed.id, T.foreignOrderInMessage.id, T.guest.id]),
    );
  });

  it('a second pass queues nothing more', async () => {
    const before = await outbox(t);
    const result = await syncOnce(deps(), { reconcile: 'full' });
    expect(result.events).toBe(0);
    expect(await outbox(t)).toEqual(before);
  });

  it('the auto-close agent closing a ticket queues one close event', async () => {
    await autoCloseTicket(t.db, zone, { ticketId: T.openNoReply.id, at: msk('2024-03-16 03:00:00') });
    clock.set(msk('2024-03-16 03:01:00'));
    await syncOnce(deps());
    await syncOnce(deps());
    const closes = (await outbox(t)).filter(
      (e) => e.ticket_id === T.openNoReply.id && e.event_type === 'SUPPORT_TICKET_CLOSED',
    );
    expect(closes).toEqual([
      expect.objectContaining({ event_key: `closed:${T.openNoReply.id}:2024-03-16 03:00:00` }),
    ]);
    const payload = await t
      .db('bl_support_outbox')
      .where('event_key', `closed:${T.openNoReply.id}:2024-03-16 03:00:00`)
      .first('payload');
    expect(JSON.parse(payload.payload)).toMatchObject({ autoClosed: true });
  });
});
