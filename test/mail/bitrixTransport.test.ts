import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unserialize } from 'php-serialize';
import { FixedClock } from '../../core/clock';
import { FIXTURE } from '../../fixtures/seed';
import { mailOnce } from '../../mail/mailOnce';
import { bitrixEventRow } from '../../mail/transports/bitrixTransport';
import { runCli } from '../helpers/cli';
import { TestDatabase } from '../helpers/db';
import { runPhp } from '../helpers/php';
import { bitrixSite, cached, mailFlagFile } from '../helpers/siteRoot';
import { installedSite, mailDeps, msk, queueEvent, testConfig } from './helpers/mailEnv';
import { rawRows } from '../../core/rawRows';

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

  it("a staff mail to an English-speaking operator on a Russian site carries the site's language, which our template has", async () => {
    // Ivan (LANGUAGE_ID ru) and John are no staff; make the first recipient English-speaking.
    await t.db('b_user').where('ID', FIXTURE.users.operatorIvan).update({ LANGUAGE_ID: 'en' });
    await queueEvent(
      t,
      {
        eventKey: 'sla:9:first_reply:breach:0',
        eventType: 'SUPPORT_SLA_BREACH',
        ticketId: FIXTURE.tickets.openNoReply.id,
        payload: {
          recipients: [FIXTURE.users.operatorIvan],
          target: 'first_reply',
          level: 'breach',
          on: 'breach',
          dueAt: '2024-03-12T06:20:00.000Z',
          reason: 'SLA',
          cycle: 0,
        },
      },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: testConfig({ mail: { transport: 'bitrix' } }), clock });
    expect(await mailOnce(deps)).toMatchObject({ sent: 1 });
    const row = await t
      .db('b_event')
      .where('EVENT_NAME', 'SUPPORT_SLA_BREACH')
      .first('ID', 'LID', 'LANGUAGE_ID');
    expect(row).toMatchObject({ LID: 's1', LANGUAGE_ID: 'ru' });
    // Bitrix's own choice of template (Event::handleEvent): active, bound to the site, language equal or none.
    const templates = await t
      .db('b_event_message as m')
      .join('b_event_message_site as s', 's.EVENT_MESSAGE_ID', 'm.ID')
      .where({ 'm.ACTIVE': 'Y', 'm.EVENT_NAME': 'SUPPORT_SLA_BREACH', 's.SITE_ID': row.LID })
      .andWhere((q) => q.where('m.LANGUAGE_ID', row.LANGUAGE_ID).orWhereNull('m.LANGUAGE_ID'))
      .count({ n: '*' });
    expect(templates).toEqual([{ n: 1 }]);
  });

  it('clears Bitrix\'s "queue is empty" flag as CEvent::Send does, when the site root is known', async () => {
    const root = bitrixSite(t.target);
    expect(cached(root, mailFlagFile())).toBe(true);
    await queueEvent(
      t,
      { eventKey: 'closed:1:x', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: FIXTURE.tickets.closed.id },
      clock.now(),
    );
    const config = testConfig({ db: { bitrixRoot: root }, mail: { transport: 'bitrix' } });
    expect(await mailOnce(await mailDeps(t, { config, clock }))).toMatchObject({ sent: 1 });
    expect(cached(root, mailFlagFile())).toBe(false);
    // Status says whether the flag is taken care of.
    const configFile = path.join(mkdtempSync('/tmp/bxsup-config-'), 'bxsup.config.json');
    writeFileSync(configFile, JSON.stringify({ mail: { transport: 'bitrix' } }));
    const withRoot = JSON.parse(
      (await runCli(['status', '--db', t.url, '--config', configFile, '--bitrix-root', root, '--json']))
        .stdout,
    );
    const withoutRoot = JSON.parse(
      (await runCli(['status', '--db', t.url, '--config', configFile, '--json'])).stdout,
    );
    const flagWarning = expect.stringMatching(
      /cannot clear Bitrix's "queue is empty" flag: mails may wait up to an hour/,
    );
    expect(withoutRoot.warnings).toEqual(expect.arrayContaining([flagWarning]));
    expect(withRoot.warnings).not.toEqual(expect.arrayContaining([flagWarning]));
  });

  it('status reports our b_event rows Bitrix marked 0, F or E, with what to do', async () => {
    const [first, second] = await t.db('b_event').orderBy('ID').limit(2).pluck('ID');
    await t.db('b_event').where('ID', first).update({ SUCCESS_EXEC: '0' });
    await t.db('b_event').where('ID', second).update({ SUCCESS_EXEC: 'F' });
    // Bitrix's own mails that failed are not ours to report.
    await t
      .db('b_event')
      .insert({ EVENT_NAME: 'TICKET_NEW_FOR_AUTHOR', LID: 's1', C_FIELDS: 'a:0:{}', SUCCESS_EXEC: 'F' });
    const status = await runCli(['status', '--db', t.url]);
    expect(status.stdout).toMatch(
      new RegExp(
        `problem: 1 bxsup mail\\(s\\) in b_event that Bitrix found no template \\(SUCCESS_EXEC '0', newest b_event ID ${first}\\): check that the SUPPORT_\\* templates`,
      ),
    );
    expect(status.stdout).toMatch(
      /problem: 1 bxsup mail\(s\) in b_event that Bitrix failed to send \(SUCCESS_EXEC 'F'/,
    );
    expect(status.stdout).toMatch(/bitrix mail failures +1 without a template \('0'\), 1 failed \('F'\)\n/);
  });
});

describe('bitrix transport on a cp1251 site', () => {
  let t: TestDatabase;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));

  beforeAll(async () => {
    t = await installedSite({ shape: 'cp1251-myisam' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("C_FIELDS lengths count cp1251 bytes, so PHP's own unserialize() reads the row", async () => {
    const ticket = FIXTURE.tickets.orderInTitle;
    await queueEvent(
      t,
      { eventKey: `created:${ticket.id}`, eventType: 'SUPPORT_TICKET_CREATED', ticketId: ticket.id },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: testConfig({ mail: { transport: 'bitrix' } }), clock });
    expect(await mailOnce(deps)).toMatchObject({ sent: 1 });
    // The bytes as stored, which Bitrix's PHP (SET NAMES cp1251) reads back unchanged.
    const rows = await rawRows<{ hex: string }>(
      t.db,
      "SELECT HEX(C_FIELDS) AS hex FROM b_event WHERE EVENT_NAME = 'SUPPORT_TICKET_CREATED'",
    );
    const stored = Buffer.from(rows[0].hex, 'hex');
    expect(stored.toString('latin1')).toContain('s:25:"'); // "Где мой заказ №2024-0042?": 25 letters, 25 bytes
    const out = runPhp(
      '$a = unserialize(stream_get_contents(STDIN)); if ($a === false) { echo "unserialize failed"; exit(1); } foreach ($a as $k => $v) echo $k, "=", bin2hex($v), "\n";',
      stored,
    );
    const fields = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((line) => {
          const [key, hex] = line.split('=');
          return [key, new TextDecoder('windows-1251').decode(Buffer.from(hex, 'hex'))];
        }),
    );
    expect(fields.TICKET_TITLE).toBe('Где мой заказ №2024-0042?');
    expect(fields.CUSTOMER_NAME).toBe('Мария');
  });
});
