import { FixedClock } from '../../core/clock';
import { FIXTURE } from '../../fixtures/seed';
import { MailDeps } from '../../mail/mailDeps';
import { mailOnce } from '../../mail/mailOnce';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, queueEvent, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * SLA notices to staff as the escalator queues them: the payload names the recipients (b_user IDs);
 * the mail links to the ticket in the Bitrix admin area. Staff in the fixture are Russian-speaking
 * (LANGUAGE_ID 'ru'); due times are shown in the site's zone (Moscow, UTC+3).
 */
const U = FIXTURE.users;
const T = FIXTURE.tickets;

describe('SLA mails to staff', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let deps: MailDeps;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));

  beforeAll(async () => {
    t = await installedSite();
    sink = await startSink();
    await queueEvent(t, {
      eventKey: `sla:${T.openNoReply.id}:first_reply:warning:1`,
      eventType: 'SUPPORT_SLA_WARNING',
      ticketId: T.openNoReply.id,
      payload: {
        // 4 is inactive: left out.
        recipients: [U.operatorOlga, U.operatorIvan, U.operatorInactive],
        target: 'first_reply',
        level: 'warning',
        dueAt: '2024-03-12T09:00:00.000Z',
        reason: '75% of the first-reply time used',
      },
    });
    await queueEvent(t, {
      eventKey: `sla:${T.answered.id}:resolution:breach:1`,
      eventType: 'SUPPORT_SLA_BREACH',
      ticketId: T.answered.id,
      payload: {
        recipients: [U.supervisor],
        target: 'resolution',
        level: 'breach',
        dueAt: '2024-03-12T07:00:00Z',
        reason: 'resolution overdue',
      },
    });
    await queueEvent(t, {
      eventKey: 'sla:digest:2024-03-12',
      eventType: 'SUPPORT_SLA_DIGEST',
      ticketId: 0,
      payload: {
        recipients: [U.supervisor],
        reason: 'Daily digest',
        tickets: [
          T.openNoReply.id,
          { id: T.answered.id, target: 'resolution', level: 'breach', dueAt: '2024-03-12T07:00:00Z' },
        ],
      },
    });
    await queueEvent(t, {
      eventKey: `sla:${T.reopened.id}:first_reply:warning:1`,
      eventType: 'SUPPORT_SLA_WARNING',
      ticketId: T.reopened.id,
      payload: {
        recipients: [U.operatorInactive, U.customerNoEmail],
        target: 'first_reply',
        level: 'warning',
      },
    });
    // The install digest as the escalator queues it (escalator/agent/digest.ts): its payload's reason
    // is English; the supervisor reads Russian.
    await queueEvent(t, {
      eventKey: 'sla:install-digest',
      eventType: 'SUPPORT_SLA_DIGEST',
      ticketId: 0,
      payload: {
        recipients: [U.supervisor],
        target: 'first_reply',
        level: 'install',
        dueAt: '2024-03-11T13:20:00.000Z',
        reason: 'tickets already past an SLA point when bxsup was installed',
        count: 1,
        tickets: [
          {
            ticketId: T.openNoReply.id,
            number: 'SUP-20240311-0003',
            target: 'first_reply',
            level: 'breach',
            dueAt: '2024-03-11T13:20:00.000Z',
          },
        ],
      },
    });
    deps = await mailDeps(t, { config: testConfig({ mail: { smtpUrl: sink.url } }), clock });
    expect(await mailOnce(deps)).toMatchObject({ claimed: 5, sent: 4, dead: 0, noAddress: 1 });
  });
  afterAll(async () => {
    await deps.transport.close();
    await sink.stop();
    await t.drop();
  });

  it('warning: to the active recipients, with the due time and the admin link', () => {
    const [mail] = sink.mails.filter((m) => m.parsed.headers.get('x-bxsup-event') === 'SUPPORT_SLA_WARNING');
    expect(mail.envelopeTo.sort()).toEqual(['ivan@shop.example.ru', 'olga@shop.example.ru']);
    expect(mail.parsed.subject).toBe('[№ SUP-20240311-0003] SLA: скоро истекает срок первого ответа');
    expect(mail.parsed.text).toContain(
      'По обращению № SUP-20240311-0003 «Не работает промокод» скоро истекает срок первого ответа.',
    );
    expect(mail.parsed.text).toContain('Срок: 12.03.2024 12:00 (Europe/Moscow)');
    expect(mail.parsed.text).toContain('Причина: 75% of the first-reply time used');
    expect(mail.parsed.text).toContain('https://shop.example.ru/bitrix/admin/ticket_edit.php?ID=9&lang=ru');
    expect(mail.parsed.html).toContain(
      'href="https://shop.example.ru/bitrix/admin/ticket_edit.php?ID=9&amp;lang=ru"',
    );
    expect(mail.parsed.inReplyTo).toBe('<ticket-9@shop.example.ru>');
  });

  it("breach: the recipient's language, the ticket's site for the link", () => {
    const [mail] = sink
      .to('anna@shop.example.ru')
      .filter((m) => m.parsed.headers.get('x-bxsup-event') === 'SUPPORT_SLA_BREACH');
    expect(mail.parsed.subject).toBe('[№ SUP-20240311-0001] SLA нарушен: истёк срок решения');
    expect(mail.parsed.text).toContain('Срок был: 12.03.2024 10:00 (Europe/Moscow)');
    expect(mail.parsed.text).toContain('https://shop.example.com/bitrix/admin/ticket_edit.php?ID=7&lang=ru');
  });

  it('digest: one mail listing the tickets, each with its admin link', () => {
    const mail = sink
      .to('anna@shop.example.ru')
      .filter((m) => m.parsed.headers.get('x-bxsup-event') === 'SUPPORT_SLA_DIGEST')
      .find((m) => m.parsed.subject?.endsWith('(2)'))!;
    expect(mail.parsed.subject).toBe('SLA: сводка по обращениям (2)');
    expect(mail.parsed.text).toContain(
      '- № SUP-20240311-0003 «Не работает промокод»\n  https://shop.example.ru/bitrix/admin/ticket_edit.php?ID=9&lang=ru',
    );
    expect(mail.parsed.text).toContain(
      '- № SUP-20240311-0001 «Cannot log in to my account», срок решения: 12.03.2024 10:00 [breach]\n  https://shop.example.com/bitrix/admin/ticket_edit.php?ID=7&lang=ru',
    );
    expect(mail.parsed.messageId).toBe('<sla.digest.2024-03-12@shop.example.ru>');
    expect(mail.parsed.inReplyTo).toBeUndefined();
  });

  it('the install digest in Russian has no English sentence', () => {
    const [mail] = sink.to('anna@shop.example.ru').filter(
      (m) =>
        m.parsed.headers.get('x-bxsup-event') === 'SUPPORT_SLA_DIGEST' &&
        m.parsed.text?.includes('SUP-20240311-0003') &&
        // The daily digest above lists this ticket too (and 0001); mails arrive in any order.
        !m.parsed.text?.includes('SUP-20240311-0001'),
    );
    expect(mail).toBeDefined();
    expect(mail.parsed.text).toContain('Эти обращения уже прошли срок SLA, когда bxsup был установлен.');
    expect(mail.parsed.text).not.toMatch(/\b(?:tickets|already|when|was|installed|past)\b/);
    expect(mail.parsed.html).not.toMatch(/\b(?:tickets|already|when|was|installed|past)\b/);
  });

  it('no usable recipient: "no address", waiting for one', async () => {
    const row = await t
      .db('bl_support_outbox')
      .where('event_key', `sla:${T.reopened.id}:first_reply:warning:1`)
      .first();
    expect(row.state).toBe('no_address');
    expect(row.last_error).toBe('no address: none of the recipients [4, 8] is an active user with an e-mail');
  });
});
