import { FIXTURE } from '../../fixtures/seed';
import { createTicket } from '../../fixtures/nativeWriter';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, memoryLogger, msk, syncDeps } from './harness';

/**
 * The order link: an operator's UF_ORDER_ID wins when the order is the owner's, is never overwritten,
 * and another customer's order is never linked; without b_sale_order or b_uts_support the sync still
 * runs, with linking (or the write-back) off.
 */
const T = FIXTURE.tickets;
const O = FIXTURE.orders;
const U = FIXTURE.users;

async function link(t: TestDatabase, id: number) {
  return t.db('bl_support_ticket').where('id', id).first('order_id', 'order_source');
}
async function uf(t: TestDatabase, id: number) {
  return (await t.db('b_uts_support').where('VALUE_ID', id).first('UF_ORDER_ID'))?.UF_ORDER_ID ?? null;
}

describe('order links with UF_ORDER_ID', () => {
  let t: TestDatabase;
  const log = memoryLogger();
  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
  });
  afterAll(async () => {
    await t.drop();
  });

  it("takes an operator's UF_ORDER_ID naming the owner's order", async () => {
    await t
      .db('b_uts_support')
      .insert({ VALUE_ID: T.openNoReply.id, UF_ORDER_ID: O.alexeyUnpaid.id })
      .onConflict('VALUE_ID')
      .merge(['UF_ORDER_ID']);
    await syncOnce(syncDeps(t));
    expect(await link(t, T.openNoReply.id)).toEqual({ order_id: O.alexeyUnpaid.id, order_source: 'uf' });
  });

  it('follows an operator who changes the value the bridge wrote back', async () => {
    expect(await uf(t, T.orderInTitle.id)).toBe(O.mariaTemplated.id);
    await t
      .db('b_uts_support')
      .where('VALUE_ID', T.orderInTitle.id)
      .update({ UF_ORDER_ID: O.mariaDelivered.id });
    await syncOnce(syncDeps(t));
    expect(await link(t, T.orderInTitle.id)).toEqual({ order_id: O.mariaDelivered.id, order_source: 'uf' });
  });

  it("refuses a UF_ORDER_ID naming another customer's order and clears it, logging both users", async () => {
    await t
      .db('b_uts_support')
      .insert({ VALUE_ID: T.answered.id, UF_ORDER_ID: O.mariaDelivered.id })
      .onConflict('VALUE_ID')
      .merge(['UF_ORDER_ID']);
    await syncOnce(syncDeps(t, { logger: log.logger }));
    expect(await link(t, T.answered.id)).toEqual({ order_id: null, order_source: null });
    // Cleared, so that operators do not trust it (and placeholders never mail it).
    expect(await uf(t, T.answered.id)).toBeNull();
    const warning = log
      .lines()
      .map((l) => JSON.parse(l))
      .find((l) => l.level === 'warn' && l.ticketId === T.answered.id);
    expect(warning).toMatchObject({
      orderId: O.mariaDelivered.id,
      orderUserId: U.customerMaria,
      ownerUserId: U.customerJohn,
    });
  });

  it("a new ticket: UF wins over the title; another customer's order in UF gives way to the owner's", async () => {
    const withUf = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Заказ №2024-0042 не пришёл',
      message: 'Помогите',
      at: msk('2024-03-12 12:00:00'),
    });
    await t.db('b_uts_support').insert({ VALUE_ID: withUf, UF_ORDER_ID: O.mariaDelivered.id });
    const foreignUf = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Посылка',
      message: 'По заказу 41 ничего не понятно',
      at: msk('2024-03-12 12:05:00'),
    });
    await t.db('b_uts_support').insert({ VALUE_ID: foreignUf, UF_ORDER_ID: O.johnDelivered.id });
    await syncOnce(syncDeps(t));
    expect(await link(t, withUf)).toEqual({ order_id: O.mariaDelivered.id, order_source: 'uf' });
    expect(await link(t, foreignUf)).toEqual({ order_id: O.mariaDelivered.id, order_source: 'message' });
    expect(await uf(t, foreignUf)).toBe(O.mariaDelivered.id);
  });

  it('a guest ticket links nothing, whatever it names', async () => {
    const id = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerSid: 'someone@example.org',
      title: 'Заказ №2024-0042',
      message: 'Где заказ 41?',
      at: msk('2024-03-12 12:10:00'),
    });
    await syncOnce(syncDeps(t));
    expect(await link(t, id)).toEqual({ order_id: null, order_source: null });
    expect(await uf(t, id)).toBeNull();
  });
});

describe('sites without the optional tables', () => {
  it('without b_sale_order: order linking is off, the rest works', async () => {
    const t = await installedSite();
    try {
      await t.db.raw('DROP TABLE b_sale_order');
      const result = await syncOnce(syncDeps(t));
      expect(result.tickets).toBe(11);
      expect(await t.db('bl_support_ticket').whereNotNull('order_id').count({ n: '*' })).toEqual([{ n: 0 }]);
      expect(await t.db('b_uts_support').whereNotNull('UF_ORDER_ID').count({ n: '*' })).toEqual([{ n: 0 }]);
    } finally {
      await t.drop();
    }
  });

  it('without b_uts_support: links are made, nothing is written back', async () => {
    const t = await installedSite();
    try {
      await t.db.raw('DROP TABLE b_uts_support');
      await syncOnce(syncDeps(t));
      expect(await link(t, T.orderInTitle.id)).toEqual({
        order_id: O.mariaTemplated.id,
        order_source: 'title',
      });
      // And the next pass does not take the missing value for a change.
      const again = await syncOnce(syncDeps(t));
      expect(again.changedTickets).toBe(0);
    } finally {
      await t.drop();
    }
  });
});
