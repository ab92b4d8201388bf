import { FIXTURE } from '../../fixtures/seed';
import { addMessage, closeTicket, createTicket } from '../../fixtures/nativeWriter';
import { FixedClock } from '../../core/clock';
import { MailDeps } from '../../mail/mailDeps';
import { mailOnce } from '../../mail/mailOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, runSync, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * Fixture → install → sync → mail, over real SMTP: each native event after the install produces one
 * mail to the right address, in the site's language, with the ticket number in the subject, the
 * tracking link, the order number and threading headers. Expected values are derived by hand from the
 * fixture (fixtures/seed/ids.ts, people.ts, orders.ts) and the sync's numbering (SUP-<site day>-<seq>).
 */
const U = FIXTURE.users;

describe('customer mails over SMTP', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let deps: MailDeps;
  const clock = new FixedClock(msk('2024-03-12 10:40:00'));
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await installedSite();
    sink = await startSink();
    // 12 (Maria, s1): her order 41 named in the title: the sync links it; it has a tracking number.
    ids.maria = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Где мой заказ №41?',
      message: 'Заказ всё ещё не пришёл.',
      at: msk('2024-03-12 10:31:00'),
    });
    // 13 (John, s2, English): markup in the title.
    ids.john = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's2',
      ownerUserId: U.customerJohn,
      title: '<b>Refund</b> & <script>alert(1)</script>',
      message: 'Where is my refund?',
      at: msk('2024-03-12 10:32:00'),
    });
    // 14 (a guest writing by mail).
    ids.guest = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      // As the mail gateway writes a sender (checked on the real module).
      ownerSid: '"Анна Гостева" <anna.guest@example.org>',
      title: 'Вопрос без регистрации',
      message: 'Можно ли оплатить при получении?',
      createdModuleName: 'mail',
      at: msk('2024-03-12 10:33:00'),
    });
    // 15 (Petr: b_user.EMAIL is '').
    ids.noEmail = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerNoEmail,
      title: 'Нет адреса',
      message: 'Проверка.',
      at: msk('2024-03-12 10:34:00'),
    });
    // Olga answers Maria, writes an internal note, then closes the ticket.
    ids.reply = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: ids.maria,
      authorUserId: U.operatorOlga,
      bySupport: true,
      text: 'Мария, посылка в пути.\nНомер для отслеживания: RA123456789RU.',
      at: msk('2024-03-12 10:35:00'),
    });
    ids.note = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: ids.maria,
      authorUserId: U.operatorOlga,
      bySupport: true,
      hidden: true,
      text: 'Внутренняя заметка: клиентка звонила дважды.',
      at: msk('2024-03-12 10:36:00'),
    });
    await closeTicket(t.db, FIXTURE_ZONE, {
      ticketId: ids.maria,
      byUserId: U.operatorOlga,
      at: msk('2024-03-12 10:37:00'),
    });
    await runSync(t, clock);
    deps = await mailDeps(t, { config: testConfig({ mail: { smtpUrl: sink.url } }), clock });
    const counts = await mailOnce(deps);
    expect(counts).toMatchObject({
      claimed: 6,
      sent: 5,
      retried: 0,
      dead: 0,
      noAddress: 1,
      skipped: 0,
      reaped: 0,
    });
  });
  afterAll(async () => {
    await deps.transport.close();
    await sink.stop();
    await t.drop();
  });

  it('queues what happened after the install only, and mails nothing about the fixture history', async () => {
    const rows = await t.db('bl_support_outbox').orderBy('event_key').select('event_key', 'state');
    expect(rows).toEqual([
      { event_key: `closed:${ids.maria}:2024-03-12 10:37:00`, state: 'sent' },
      { event_key: `created:${ids.maria}`, state: 'sent' },
      { event_key: `created:${ids.john}`, state: 'sent' },
      { event_key: `created:${ids.guest}`, state: 'sent' },
      { event_key: `created:${ids.noEmail}`, state: 'no_address' },
      { event_key: `reply:${ids.reply}`, state: 'sent' },
    ]);
    expect(sink.mails).toHaveLength(5);
  });

  it('creation mail: Russian, to the owner, number in the subject, order number and tracking link', () => {
    const [mail] = sink.to('maria.ivanova@example.ru').filter((m) => /принято/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.subject).toBe('[№ SUP-20240312-0002] Обращение принято: Где мой заказ №41?');
    expect(mail.parsed.from?.value).toEqual([
      { name: 'Магазин «Пример»', address: 'support@shop.example.ru' },
    ]);
    expect(mail.parsed.to).toMatchObject({
      value: [{ name: 'Мария Иванова', address: 'maria.ivanova@example.ru' }],
    });
    expect(mail.parsed.messageId).toBe(`<ticket-${ids.maria}@shop.example.ru>`);
    expect(mail.parsed.inReplyTo).toBeUndefined();
    expect(mail.parsed.text).toContain('Здравствуйте, Мария!');
    expect(mail.parsed.text).toContain('зарегистрировано под номером SUP-20240312-0002');
    expect(mail.parsed.text).toContain('Заказ: № 41');
    expect(mail.parsed.text).toContain(`https://shop.example.ru/personal/support/?ID=${ids.maria}`);
    expect(mail.parsed.html).toContain(
      `<a href="https://shop.example.ru/personal/support/?ID=${ids.maria}">`,
    );
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it("reply mail: the operator's text, threaded under the ticket's first mail; the internal note is not mailed", () => {
    const replies = sink
      .to('maria.ivanova@example.ru')
      .filter((m) => /Ответ на обращение/.test(m.parsed.subject ?? ''));
    expect(replies).toHaveLength(1);
    const [mail] = replies;
    expect(mail.parsed.subject).toBe('[№ SUP-20240312-0002] Ответ на обращение: Где мой заказ №41?');
    expect(mail.parsed.messageId).toBe(`<reply.${ids.reply}.ticket-${ids.maria}@shop.example.ru>`);
    expect(mail.parsed.inReplyTo).toBe(`<ticket-${ids.maria}@shop.example.ru>`);
    expect(mail.parsed.references).toBe(`<ticket-${ids.maria}@shop.example.ru>`);
    expect(mail.parsed.text).toContain('Мария, посылка в пути.\nНомер для отслеживания: RA123456789RU.');
    expect(mail.parsed.text).toContain('Ольга Смирнова, служба поддержки');
    for (const m of sink.mails) expect(m.raw).not.toContain('Внутренняя заметка');
  });

  it('closing mail asks for a rating, with the tracking link, in the same thread', () => {
    const [mail] = sink.to('maria.ivanova@example.ru').filter((m) => /закрыто/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.subject).toBe('[№ SUP-20240312-0002] Обращение закрыто: Где мой заказ №41?');
    expect(mail.parsed.inReplyTo).toBe(`<ticket-${ids.maria}@shop.example.ru>`);
    expect(mail.parsed.text).toContain('оцените');
    expect(mail.parsed.text).toContain(
      `Оценить ответ: https://shop.example.ru/personal/support/?ID=${ids.maria}`,
    );
  });

  it('English site, English mail; HTML from the title arrives escaped', () => {
    const [mail] = sink.to('john.smith@example.com');
    expect(mail.parsed.subject).toBe(
      '[Ticket SUP-20240312-0003] We have received your request: <b>Refund</b> & <script>alert(1)</script>',
    );
    expect(mail.parsed.messageId).toBe(`<ticket-${ids.john}@shop.example.com>`);
    expect(mail.parsed.text).toContain('Hello John,');
    // The module's SUPPORT_DIR "#SITE_DIR#personal/support/" with s2's folder /en/.
    expect(mail.parsed.text).toContain(`https://shop.example.com/en/personal/support/?ID=${ids.john}`);
    expect(mail.parsed.html).toContain(
      'Subject: &lt;b&gt;Refund&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(mail.parsed.html).not.toContain('<script>');
    expect(mail.parsed.html).not.toContain('<b>Refund');
  });

  it("a guest's ticket is mailed to the e-mail in OWNER_SID, greeting the name the gateway gave", () => {
    const [mail] = sink.to('anna.guest@example.org');
    expect(mail.parsed.subject).toBe('[№ SUP-20240312-0004] Обращение принято: Вопрос без регистрации');
    expect(mail.parsed.text).toContain('Здравствуйте, Анна Гостева!');
    expect(mail.parsed.to).toMatchObject({
      value: [{ name: 'Анна Гостева', address: 'anna.guest@example.org' }],
    });
  });

  it("a customer without an address: state 'no_address' with the reason, never retried", async () => {
    const row = await t.db('bl_support_outbox').where('event_key', `created:${ids.noEmail}`).first();
    expect(row.state).toBe('no_address');
    expect(row.last_error).toBe(`no address: user ${U.customerNoEmail} has no e-mail`);
    expect(row.attempts).toBe(1);
    clock.advance(24 * 3600_000);
    expect((await mailOnce(deps)).claimed).toBe(0);
  });
});
