import { FIXTURE } from '../../fixtures/seed';
import { changeTicket, createTicket } from '../../fixtures/nativeWriter';
import { loadTicketFacts, ticketFactsSql } from '../../mail/facts/ticketFacts';
import { syncOnce } from '../../sync/syncOnce';
import { runInstall } from '../../install/install';
import { executingRunner } from '../../core/sqlRunner';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, memoryLogger, msk, syncDeps } from './harness';

/**
 * An order link follows the ticket's owner: a changed owner drops the old owner's order (it would be
 * mailed through placeholders otherwise), a UF_ORDER_ID with the number customers see resolves to the
 * order's ID, and a string UF_ORDER_ID made before bxsup (a tutorial's snippet) is read and written as text.
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
function warnings(log: ReturnType<typeof memoryLogger>, ticketId: number) {
  return log
    .lines()
    .map((l) => JSON.parse(l))
    .filter((l) => l.level === 'warn' && l.ticketId === ticketId);
}

describe('an order link follows the owner', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('an admin gives a linked ticket another owner: the link and the written-back UF value go, logged', async () => {
    expect(await link(t, T.orderInTitle.id)).toEqual({
      order_id: O.mariaTemplated.id,
      order_source: 'title',
    });
    expect(await uf(t, T.orderInTitle.id)).toBe(O.mariaTemplated.id);
    await changeTicket(t.db, FIXTURE_ZONE, {
      ticketId: T.orderInTitle.id,
      ownerUserId: U.customerJohn,
      byUserId: U.admin,
      at: msk('2024-03-12 10:00:00'),
    });
    const log = memoryLogger();
    await syncOnce(syncDeps(t, { logger: log.logger }));
    expect(await link(t, T.orderInTitle.id)).toEqual({ order_id: null, order_source: null });
    expect(await uf(t, T.orderInTitle.id)).toBeNull();
    expect(warnings(log, T.orderInTitle.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          orderId: O.mariaTemplated.id,
          orderUserId: U.customerMaria,
          ownerUserId: U.customerJohn,
        }),
      ]),
    );
    // What a mail to the new owner may say: no order, no tracking number of the old owner's.
    const [facts] = await loadTicketFacts(t.db, ticketFactsSql({ order: true, delivery: true }), [
      T.orderInTitle.id,
    ]);
    expect(facts.order).toBeNull();
    expect(facts.shipment).toBeNull();
  });

  it("mail facts never show another customer's order, even before the sync drops a link", async () => {
    await t
      .db('bl_support_ticket')
      .where('id', T.openNoReply.id)
      .update({ order_id: O.johnDelivered.id, order_source: 'uf' });
    const [facts] = await loadTicketFacts(t.db, ticketFactsSql({ order: true, delivery: true }), [
      T.openNoReply.id,
    ]);
    expect(facts.order).toBeNull();
    await t
      .db('bl_support_ticket')
      .where('id', T.openNoReply.id)
      .update({ order_id: null, order_source: null });
  });

  it("a linked ticket whose form then names another customer's order: the field gets the owner's order back, logged", async () => {
    const ticketId = T.internalNote.id; // Maria's
    const setUf = async (value: number, at: string) => {
      await t
        .db('b_uts_support')
        .insert({ VALUE_ID: ticketId, UF_ORDER_ID: value })
        .onConflict('VALUE_ID')
        .merge(['UF_ORDER_ID']);
      await t.db('b_ticket').where('ID', ticketId).update({ TIMESTAMP_X: at });
    };
    await setUf(O.mariaDelivered.id, '2024-03-12 10:40:00');
    await syncOnce(syncDeps(t));
    expect(await link(t, ticketId)).toEqual({ order_id: O.mariaDelivered.id, order_source: 'uf' });
    // The public form copies UF_* from the request: the customer typed someone else's order ID.
    await setUf(O.johnDelivered.id, '2024-03-12 10:50:00');
    const log = memoryLogger();
    await syncOnce(syncDeps(t, { logger: log.logger }));
    expect(await link(t, ticketId)).toEqual({ order_id: O.mariaDelivered.id, order_source: 'uf' });
    expect(await uf(t, ticketId)).toBe(O.mariaDelivered.id);
    expect(warnings(log, ticketId)).toEqual([
      expect.objectContaining({ orderId: O.johnDelivered.id, orderUserId: U.customerJohn }),
    ]);
  });

  it("a UF_ORDER_ID holding the owner's order number (ACCOUNT_NUMBER) links that order and is written back as its ID", async () => {
    // A numbering template makes numbers differ from IDs: order 60 is "1001" to its customer.
    await t.db('b_sale_order').insert({
      ID: 60,
      LID: 's1',
      PERSON_TYPE_ID: 1,
      STATUS_ID: 'N',
      DATE_STATUS: '2024-03-01 10:00:00',
      PRICE: 100,
      CURRENCY: 'RUB',
      USER_ID: U.customerAlexey,
      DATE_INSERT: '2024-03-01 10:00:00',
      DATE_UPDATE: '2024-03-01 10:00:00',
      ACCOUNT_NUMBER: '1001',
    });
    await t
      .db('b_uts_support')
      .insert({ VALUE_ID: T.openNoReply.id, UF_ORDER_ID: 1001 })
      .onConflict('VALUE_ID')
      .merge(['UF_ORDER_ID']);
    await syncOnce(syncDeps(t));
    expect(await link(t, T.openNoReply.id)).toEqual({ order_id: 60, order_source: 'uf' });
    expect(await uf(t, T.openNoReply.id)).toBe(60);
    // Written back: the next pass sees no change.
    expect((await syncOnce(syncDeps(t))).changedTickets).toBe(0);
  });
});

describe('a UF_ORDER_ID created before bxsup as a string field', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    // As the tutorial snippet (and the real-module harness) make it: CUserTypeEntity with type 'string'.
    t = await installedSite({
      beforeInstall: async (site) => {
        await site.db.raw(
          'CREATE TABLE b_uts_support (VALUE_ID int(11) NOT NULL, UF_ORDER_ID text, PRIMARY KEY (VALUE_ID))',
        );
        await site.db('b_user_field').insert({
          ENTITY_ID: 'SUPPORT',
          FIELD_NAME: 'UF_ORDER_ID',
          USER_TYPE_ID: 'string',
          XML_ID: 'UF_ORDER_ID',
          SORT: 100,
          SETTINGS:
            'a:6:{s:4:"SIZE";i:20;s:4:"ROWS";i:1;s:6:"REGEXP";N;s:10:"MIN_LENGTH";i:0;s:10:"MAX_LENGTH";i:0;s:13:"DEFAULT_VALUE";N;}',
        });
        // The module saved a row for a ticket when the customer typed their order number.
        await site.db('b_uts_support').insert([
          { VALUE_ID: T.orderInTitle.id, UF_ORDER_ID: 'ORD-1001' },
          { VALUE_ID: T.openNoReply.id, UF_ORDER_ID: '45' },
          { VALUE_ID: T.reopened.id, UF_ORDER_ID: ' №2024-0042 ' },
        ]);
      },
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('install keeps it, says so, and leaves its text column as it is', async () => {
    const field = await t.db('b_user_field').where('FIELD_NAME', 'UF_ORDER_ID').first('USER_TYPE_ID');
    expect(field.USER_TYPE_ID).toBe('string');
    const column = await t
      .db('information_schema.COLUMNS')
      .where({ TABLE_SCHEMA: t.name, TABLE_NAME: 'b_uts_support', COLUMN_NAME: 'UF_ORDER_ID' })
      .first('DATA_TYPE');
    expect(column.DATA_TYPE).toBe('text');
    expect(
      await t.db('bl_support_native_change').where({ kind: 'user_field', target: 'UF_ORDER_ID' }).first(),
    ).toBeUndefined();
    const again = await runInstall(
      {
        db: t.db,
        target: t.target,
        runner: executingRunner(t.db),
        now: referenceClock().now(),
        onStep: () => undefined,
      },
      { dryRun: false, seedDictionaries: false },
    );
    expect(again.warnings).toContain(
      "UF_ORDER_ID existed before bxsup with type 'string' (not 'integer'): kept as it is; bxsup reads it as an order ID or the order number customers see",
    );
  });

  it("the sync reads it as text and writes into the module's own rows (once a failed pass on every run)", async () => {
    const log = memoryLogger();
    const result = await syncOnce(syncDeps(t, { logger: log.logger }));
    expect(result.tickets).toBe(11);
    expect(await t.db('bl_support_set_aside').count({ n: '*' })).toEqual([{ n: 0 }]);
    // "ORD-1001" names no order: kept, not linked; the title's order is not written over it.
    expect(await link(t, T.orderInTitle.id)).toEqual({
      order_id: O.mariaTemplated.id,
      order_source: 'title',
    });
    expect(await uf(t, T.orderInTitle.id)).toBe('ORD-1001');
    expect(warnings(log, T.orderInTitle.id)[0].message).toMatch(/names order ORD-1001, which does not exist/);
    // "45" is the owner's order ID, as text.
    expect(await link(t, T.openNoReply.id)).toEqual({ order_id: O.alexeyUnpaid.id, order_source: 'uf' });
    expect(await uf(t, T.openNoReply.id)).toBe('45');
    // The number Maria sees, typed with its sign, is not Alexey's (ticket 3 is his): cleared.
    expect(await uf(t, T.reopened.id)).toBeNull();
  });

  it('a found order is written into an empty text field as its ID', async () => {
    const id = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Где заказ №2024-0042?',
      message: 'Жду',
      at: msk('2024-03-12 11:00:00'),
    });
    await t.db('b_uts_support').insert({ VALUE_ID: id, UF_ORDER_ID: '' });
    await syncOnce(syncDeps(t));
    expect(await link(t, id)).toEqual({ order_id: O.mariaTemplated.id, order_source: 'title' });
    expect(await uf(t, id)).toBe(String(O.mariaTemplated.id));
  });
});
