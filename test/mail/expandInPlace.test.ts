import { FixedClock } from '../../core/clock';
import { FIXTURE } from '../../fixtures/seed';
import { addMessage } from '../../fixtures/nativeWriter';
import { mailOnce } from '../../mail/mailOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, runSync, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * An operator picks a published answer in the Bitrix reply form: the message is stored with its
 * placeholders. Before mailing the reply, the mailer fills them in the native message itself (MESSAGE and
 * the upper-cased MESSAGE_SEARCH), so the site and the mail show the same text; what a utf8mb3 column
 * cannot hold (a 4-byte character in a configured fallback) becomes U+FFFD.
 */
describe('placeholders left in an operator reply', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let messageId: number;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));
  const expanded =
    'Здравствуйте, Мария! Заказ № 2024-0042, трек 1234567890: ссылки нет \uFFFD\n#ЭТО_НЕ_ПОЛЕ# #UNKNOWN#\nОльга Смирнова';

  beforeAll(async () => {
    t = await installedSite();
    sink = await startSink();
    messageId = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: FIXTURE.tickets.orderInTitle.id,
      authorUserId: FIXTURE.users.operatorOlga,
      bySupport: true,
      text: 'Здравствуйте, #CUSTOMER_NAME#! Заказ № #ORDER_NUMBER#, трек #TRACKING_NUMBER#: #TRACKING_LINK#\n#ЭТО_НЕ_ПОЛЕ# #UNKNOWN#\n#OPERATOR_NAME#',
      at: msk('2024-03-12 10:50:00'),
    });
    await runSync(t, clock);
    const config = testConfig({
      mail: { smtpUrl: sink.url, placeholderFallbacks: { TRACKING_LINK: 'ссылки нет 🙈' } },
    });
    const deps = await mailDeps(t, { config, clock });
    try {
      expect(await mailOnce(deps)).toMatchObject({ claimed: 1, sent: 1 });
    } finally {
      await deps.transport.close();
    }
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  it('fills them in b_ticket_message (MESSAGE and MESSAGE_SEARCH) and in our mirror', async () => {
    const row = await t.db('b_ticket_message').where('ID', messageId).first('MESSAGE', 'MESSAGE_SEARCH');
    expect(row.MESSAGE).toBe(expanded);
    expect(row.MESSAGE_SEARCH).toBe(expanded.toUpperCase());
    const mirrored = await t.db('bl_support_message').where('id', messageId).first('body');
    expect(mirrored.body).toBe(expanded);
  });

  it("the module's search index (b_ticket_search) holds the filled words, not the placeholders", async () => {
    const words = await t
      .db('b_ticket_search')
      .where('TICKET_ID', FIXTURE.tickets.orderInTitle.id)
      .pluck('SEARCH_WORD');
    // What an operator types in the admin list's search is stemmed the same way (МАРИЯ → МАР).
    expect(words).toEqual(expect.arrayContaining(['1234567890', '2024', '0042', 'МАР', 'СМИРНОВ']));
    expect(words).not.toEqual(expect.arrayContaining(['TRACKING_NUMBER']));
    expect(words).not.toEqual(expect.arrayContaining(['CUSTOMER_NAM']));
    expect(new Set(words).size).toBe(words.length);
  });

  it('mails the filled text', () => {
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0].parsed.text).toContain(expanded);
    expect(sink.mails[0].parsed.text).not.toContain('#CUSTOMER_NAME#');
  });
});
