import { FixedClock } from '../../core/clock';
import { FIXTURE } from '../../fixtures/seed';
import { mailOnce } from '../../mail/mailOnce';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, memoryLogger, msk, queueEvent, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/** No header injection through titles or names; SMTP credentials never reach logs or last_error. */
describe('mail safety', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));

  beforeAll(async () => {
    t = await installedSite();
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  it('a title or a name with line breaks cannot add headers', async () => {
    const ticket = FIXTURE.tickets.answered; // John, s2
    await t
      .db('b_ticket')
      .where('ID', ticket.id)
      .update({ TITLE: 'Hello\r\nBcc: evil@example.com\r\nX-Evil: 1' });
    await t
      .db('b_user')
      .where('ID', FIXTURE.users.customerJohn)
      .update({ NAME: 'John\r\nBcc: evil2@example.com' });
    await queueEvent(
      t,
      { eventKey: `created:${ticket.id}`, eventType: 'SUPPORT_TICKET_CREATED', ticketId: ticket.id },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: testConfig({ mail: { smtpUrl: sink.url } }), clock });
    try {
      expect(await mailOnce(deps)).toMatchObject({ sent: 1 });
    } finally {
      await deps.transport.close();
    }
    const [mail] = sink.mails;
    expect(mail.envelopeTo).toEqual(['john.smith@example.com']);
    expect(mail.parsed.subject).toBe(
      '[Ticket SUP-20240311-0001] We have received your request: Hello Bcc: evil@example.com X-Evil: 1',
    );
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    expect(mail.parsed.headers.has('x-evil')).toBe(false);
    const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0];
    expect(headerBlock).not.toMatch(/^(Bcc|X-Evil):/im);
    expect(mail.parsed.to).toMatchObject({
      value: [{ name: 'John Bcc: evil2@example.com Smith', address: 'john.smith@example.com' }],
    });
  });

  it('SMTP credentials are never logged nor stored with the error', async () => {
    const closedPort = sink.port;
    await sink.stop();
    const log = memoryLogger();
    await queueEvent(
      t,
      { eventKey: 'closed:9:secret', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 9 },
      clock.now(),
    );
    const config = testConfig({ mail: { smtpUrl: `smtp://mailer:S3cr3t-pass@127.0.0.1:${closedPort}` } });
    const deps = await mailDeps(t, { config, clock, logger: log.logger });
    try {
      expect(await mailOnce(deps)).toMatchObject({ retried: 1 });
    } finally {
      await deps.transport.close();
      await sink.start();
    }
    const row = await t.db('bl_support_outbox').where('event_key', 'closed:9:secret').first('last_error');
    expect(log.text()).toMatch(/mail server failing: .*ECONNREFUSED/);
    expect(log.text()).not.toContain('S3cr3t-pass');
    expect(String(row.last_error)).not.toContain('S3cr3t-pass');
  });
});
