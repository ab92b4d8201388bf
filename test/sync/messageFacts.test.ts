import { FIXTURE } from '../../fixtures/seed';
import { addMessage, createTicket } from '../../fixtures/nativeWriter';
import { syncOnce } from '../../sync/syncOnce';
import { referenceClock, FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * What the message batches tell a ticket's mirror row: the opening message (the lowest visible message
 * ID, kept once known), the first reply (the earliest visible staff message, the earlier of the mirror's
 * and a batch's, also when a later ID carries an earlier time), and a new SLA version for every ticket
 * a batch has a message of, an internal note included. Batches of two split one ticket's messages.
 */
const U = FIXTURE.users;
const D = FIXTURE.dictionary;
const zone = FIXTURE_ZONE;

describe('sync: first message and first reply from message batches', () => {
  let t: TestDatabase;
  const clock = referenceClock();
  const deps = () => syncDeps(t, { clock });
  const facts = (id: number) =>
    t.db('bl_support_ticket').where({ id }).first('first_message_id', 'first_reply_at', 'sla_version');
  let ticketId: number;
  const m: Record<string, number> = {};

  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(deps(), { reconcile: 'full' });
    ticketId = await createTicket(t.db, zone, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Не работает промокод',
      message: 'Промокод не применяется к заказу.',
      categoryId: D.category.s1.shipping,
      criticalityId: D.criticality.s1.middle,
      statusId: D.status.s1.accepted,
      at: msk('2024-03-12 11:00:00'),
    });
    const say = (at: string, bySupport: boolean, hidden: boolean) =>
      addMessage(t.db, zone, {
        ticketId,
        authorUserId: bySupport ? U.operatorOlga : U.customerMaria,
        bySupport,
        hidden,
        text: hidden ? 'Внутренняя заметка' : 'Ответ',
        at: msk(at),
      });
    m.note = await say('2024-03-12 11:02:00', true, true);
    m.lateReply = await say('2024-03-12 11:10:00', true, false);
    // Written after the 11:10 reply, dated before it (a clock off, an import): the earlier time wins.
    m.earlyReply = await say('2024-03-12 11:05:00', true, false);
    await syncOnce(deps(), { batchSize: 2 });
  });

  afterAll(async () => {
    await t.drop();
  });

  it('takes the lowest visible message ID as the opening one and the earliest visible staff time as the first reply', async () => {
    const opening = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: ticketId })
      .min<{ id: number }>({ id: 'ID' })
      .first();
    expect(await facts(ticketId)).toMatchObject({
      first_message_id: Number(opening!.id),
      first_reply_at: '2024-03-12 08:05:00',
    });
  });

  it('keeps the opening message, takes an earlier reply and bumps the SLA version for an internal note alone', async () => {
    const before = (await facts(ticketId))!;
    await addMessage(t.db, zone, {
      ticketId,
      authorUserId: U.operatorOlga,
      bySupport: true,
      hidden: true,
      text: 'Ещё одна заметка',
      at: msk('2024-03-12 11:20:00'),
    });
    await syncOnce(deps(), { batchSize: 2 });
    const afterNote = (await facts(ticketId))!;
    expect(afterNote).toMatchObject({
      first_message_id: before.first_message_id,
      first_reply_at: before.first_reply_at,
    });
    expect(Number(afterNote.sla_version)).toBeGreaterThan(Number(before.sla_version));

    await addMessage(t.db, zone, {
      ticketId,
      authorUserId: U.operatorOlga,
      bySupport: true,
      hidden: false,
      text: 'Ответ задним числом',
      at: msk('2024-03-12 11:01:00'),
    });
    await syncOnce(deps(), { batchSize: 2 });
    expect(await facts(ticketId)).toMatchObject({
      first_message_id: before.first_message_id,
      first_reply_at: '2024-03-12 08:01:00',
    });
  });

  it('tells tickets far apart in one batch the same (the joined values, not the run of places)', async () => {
    const far = FIXTURE.tickets.foreignOrderInMessage.id;
    const before = { far: (await facts(far))!, ticket: (await facts(ticketId))! };
    expect(before.far.first_reply_at).toBeNull();
    for (const [id, at] of [
      [far, '2024-03-12 11:30:00'],
      [ticketId, '2024-03-12 11:31:00'],
    ] as const)
      await addMessage(t.db, zone, {
        ticketId: id,
        authorUserId: U.operatorOlga,
        bySupport: true,
        text: 'Ответ',
        at: msk(at),
      });
    await syncOnce(deps());
    const after = { far: (await facts(far))!, ticket: (await facts(ticketId))! };
    expect(after.far).toMatchObject({
      first_message_id: before.far.first_message_id,
      first_reply_at: '2024-03-12 08:30:00',
    });
    expect(after.ticket).toMatchObject({ first_reply_at: before.ticket.first_reply_at });
    expect(Number(after.far.sla_version)).toBeGreaterThan(Number(before.far.sla_version));
    expect(Number(after.ticket.sla_version)).toBeGreaterThan(Number(before.ticket.sla_version));
  });
});
