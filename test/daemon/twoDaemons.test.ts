import { addMessage, closeTicket, createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE } from '../../fixtures/seed';
import { TestDatabase } from '../helpers/db';
import { configDir, eventually, startBxsup } from '../helpers/daemonProcess';
import { installedSite } from '../helpers/installedSite';
import { freePort, wholePassesSince } from '../helpers/metrics';
import { SmtpSink, startSink } from '../mail/helpers/smtpSink';

const ZONE = FIXTURE.zone;

/**
 * Two daemons (as on two hosts) against one database for a while, with live ticket traffic: every
 * event is mirrored, queued and mailed exactly once, and the SMTP server sees one mail per event.
 */
describe('two daemons side by side', () => {
  let t: TestDatabase;
  let sink: SmtpSink;

  beforeAll(async () => {
    t = await installedSite({ installer: 'cli' });
    sink = await startSink();
  }, 60000);

  afterAll(async () => {
    await sink?.stop();
    await t?.drop();
  });

  it('handle every event once', async () => {
    // Each daemon serves /metrics on a port of its own: the test reads there when its passes ran.
    const ports = [await freePort(), await freePort()];
    const daemons = ports.map((port) =>
      startBxsup(['run', '--db', t.url], {
        cwd: configDir({
          site: { timeZone: ZONE, baseUrl: 'https://shop.example.ru' },
          sync: { pollIntervalMs: 150 },
          mail: { transport: 'smtp', smtpUrl: sink.url, pollIntervalMs: 150, concurrency: 3 },
          escalation: { cron: '*/2 * * * * *' },
          metrics: { port },
        }),
      }),
    );
    const expected: string[] = [];
    try {
      await Promise.all(daemons.map((d) => d.waitForOutput(/daemon started/)));
      for (let i = 0; i < 15; i++) {
        const at = new Date();
        const ticketId = await createTicket(t.db, ZONE, {
          siteId: i % 2 ? 's2' : 's1',
          ownerUserId: i % 2 ? FIXTURE.users.customerJohn : FIXTURE.users.customerMaria,
          title: `Live ${i}`,
          message: 'Where is my order?',
          at,
        });
        expected.push(`created:${ticketId}`);
        const replyId = await addMessage(t.db, ZONE, {
          ticketId,
          authorUserId: FIXTURE.users.operatorOlga,
          bySupport: true,
          text: `Answer ${i}`,
          at,
        });
        expected.push(`reply:${replyId}`);
        if (i % 3 === 0) {
          await closeTicket(t.db, ZONE, {
            ticketId,
            byUserId: FIXTURE.users.operatorOlga,
            bySupport: true,
            at,
          });
          expected.push(`closed:${ticketId}`);
        }
        // Paced on purpose, like live traffic: the daemons' polls find the tickets a few at a time.
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await eventually(
        async () =>
          Number(
            (
              await t
                .db('bl_support_outbox')
                .whereIn('state', ['sent'])
                .whereIn('event_type', [
                  'SUPPORT_TICKET_CREATED',
                  'SUPPORT_TICKET_REPLY',
                  'SUPPORT_TICKET_CLOSED',
                ])
                .count({ n: '*' })
            )[0].n,
          ) === expected.length,
        60000,
        'every customer mail sent',
      );
      // Then both daemons run a whole sync pass (nothing more may be queued), and after it a whole
      // mail pass (nothing more may be sent).
      await Promise.all(ports.map((port) => wholePassesSince(port, ['sync'])));
      await Promise.all(ports.map((port) => wholePassesSince(port, ['mail'])));
    } finally {
      for (const d of daemons) d.child.kill('SIGTERM');
    }
    expect(await Promise.all(daemons.map((d) => d.exited))).toEqual([0, 0]);

    const rows = await t
      .db('bl_support_outbox')
      .whereIn('event_type', ['SUPPORT_TICKET_CREATED', 'SUPPORT_TICKET_REPLY', 'SUPPORT_TICKET_CLOSED'])
      .select('event_key', 'state');
    expect(rows.map((r) => r.event_key.replace(/^(closed:\d+):.*$/, '$1')).sort()).toEqual(
      [...expected].sort(),
    );
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
    const customerMails = sink.mails.filter((m) => /Live \d+/.test(m.parsed.subject ?? ''));
    expect(customerMails).toHaveLength(expected.length);
    const ids = customerMails.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    // Both mirrored every ticket, but each got one number.
    const numbers = await t.db('bl_support_ticket').pluck('number');
    expect(new Set(numbers).size).toBe(numbers.length);
  }, 120000);
});
