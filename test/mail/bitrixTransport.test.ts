import { unserialize } from 'php-serialize';
import { FixedClock } from '../../core/clock';
import { FIXTURE } from '../../fixtures/seed';
import { mailOnce } from '../../mail/mailOnce';
import { bitrixEventRow } from '../../mail/transports/bitrixTransport';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, queueEvent, testConfig } from './helpers/mailEnv';

/**
 * The bitrix transport queues b_event rows Bitrix can unserialize: C_FIELDS is PHP serialize() output
 * whose string lengths are UTF-8 byte counts. The expected strings are written out by hand.
 */
describe('bitrix transport (b_event)', () => {
  let t: TestDatabase;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));

  beforeAll(async () => {
    t = await installedSite();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('writes one b_event row per event, with the exact serialized fields, exactly once', async () => {
    const ticket = FIXTURE.tickets.orderInTitle; // 10: Maria, s1, order 2024-0042 found in the title
    await queueEvent(
      t,
      { eventKey: `created:${ticket.id}`, eventType: 'SUPPORT_TICKET_CREATED', ticketId: ticket.id },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: testConfig({ mail: { transport: 'bitrix' } }), clock });
    expect(await mailOnce(deps)).toMatchObject({ claimed: 1, sent: 1 });
    expect(await mailOnce(deps)).toMatchObject({ claimed: 0 });

    const rows = await t.db('b_event').select('*');
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      EVENT_NAME: 'SUPPORT_TICKET_CREATED',
      MESSAGE_ID: null,
      LID: 's1',
      DATE_INSERT: '2024-03-12 11:00:00', // Moscow wall-clock time, as Bitrix writes it
      DATE_EXEC: null,
      SUCCESS_EXEC: 'N',
      DUPLICATE: 'N',
      LANGUAGE_ID: 'ru',
    });
    // Byte lengths: Cyrillic letters 2 bytes, '№' 3. Title: 6+1+6+1+10+1+3+9+1 = 38;
    // subject: 1+3+1+17+1+1+18+1+15+1+38 = 97; 'Мария' 10; the URL 8+15+18+6 = 47.
    expect(row.C_FIELDS).toBe(
      'a:9:{' +
        's:8:"EMAIL_TO";s:24:"maria.ivanova@example.ru";' +
        's:7:"SUBJECT";s:97:"[№ SUP-20240311-0004] Обращение принято: Где мой заказ №2024-0042?";' +
        's:9:"TICKET_ID";s:2:"10";' +
        's:13:"TICKET_NUMBER";s:17:"SUP-20240311-0004";' +
        's:12:"TICKET_TITLE";s:38:"Где мой заказ №2024-0042?";' +
        's:10:"TICKET_URL";s:47:"https://shop.example.ru/personal/support/?ID=10";' +
        's:13:"CUSTOMER_NAME";s:10:"Мария";' +
        's:12:"ORDER_NUMBER";s:9:"2024-0042";' +
        's:11:"IN_REPLY_TO";s:0:"";' +
        '}',
    );
    expect(unserialize(row.C_FIELDS)).toMatchObject({
      TICKET_NUMBER: 'SUP-20240311-0004',
      ORDER_NUMBER: '2024-0042',
    });
    expect(await t.db('bl_support_outbox').where('event_key', `created:${ticket.id}`).first('state')).toEqual(
      {
        state: 'sent',
      },
    );
  });

  it('replies carry the thread root for the template IN_REPLY_TO macro', async () => {
    const [reply] = await t
      .db('b_ticket_message')
      .where({
        TICKET_ID: FIXTURE.tickets.awaitingCustomer.id,
        MESSAGE_BY_SUPPORT_TEAM: 'Y',
        IS_LOG: 'N',
        IS_HIDDEN: 'N',
      })
      .pluck('ID');
    await queueEvent(
      t,
      { eventKey: `reply:${reply}`, eventType: 'SUPPORT_TICKET_REPLY', ticketId: 8, messageId: reply },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: testConfig({ mail: { transport: 'bitrix' } }), clock });
    expect(await mailOnce(deps)).toMatchObject({ sent: 1 });
    const row = await t.db('b_event').orderBy('ID', 'desc').first('C_FIELDS');
    const fields = unserialize(row.C_FIELDS) as Record<string, string>;
    expect(fields.IN_REPLY_TO).toBe('<ticket-8@shop.example.ru>');
    expect(fields.EMAIL_TO).toBe('alexey.yolkin@example.ru');
    expect(Object.keys(fields)).toEqual([
      'EMAIL_TO',
      'SUBJECT',
      'TICKET_ID',
      'TICKET_NUMBER',
      'TICKET_TITLE',
      'TICKET_URL',
      'CUSTOMER_NAME',
      'ORDER_NUMBER',
      'MESSAGE_TEXT',
      'OPERATOR_NAME',
      'IN_REPLY_TO',
    ]);
  });

  it('never puts a 4-byte character into a utf8mb3 column: it becomes U+FFFD, and lengths stay right', () => {
    const row = bitrixEventRow(
      {
        eventType: 'SUPPORT_TICKET_REPLY',
        siteId: 's1',
        languageId: 'ru',
        fields: { MESSAGE_TEXT: 'Привет 😀' },
      },
      'utf8',
      '2024-03-12 11:00:00',
    );
    // 'Привет' 12 bytes + ' ' 1 + U+FFFD 3 = 16
    expect(row.C_FIELDS).toBe('a:1:{s:12:"MESSAGE_TEXT";s:16:"Привет \uFFFD";}');
    const wide = bitrixEventRow(
      {
        eventType: 'SUPPORT_TICKET_REPLY',
        siteId: 's1',
        languageId: 'ru',
        fields: { MESSAGE_TEXT: 'Привет 😀' },
      },
      'utf8mb4',
      '2024-03-12 11:00:00',
    );
    expect(wide.C_FIELDS).toBe('a:1:{s:12:"MESSAGE_TEXT";s:17:"Привет 😀";}');
  });
});
