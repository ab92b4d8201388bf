import { once } from 'node:events';
import { FixedClock } from '../../core/clock';
import { createMailEvents } from '../../mail/mailEvents';
import { createMailRunner } from '../../daemon/mailWorker';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, queueEvent, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/** The runner the daemon hosts: a timer wakes it, wake() asks for a pass now, stop() waits for it. */
describe('mail runner', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  beforeAll(async () => {
    t = await installedSite();
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  it('sends what is queued while it runs, and stops cleanly', async () => {
    const clock = new FixedClock(msk('2024-03-12 11:00:00'));
    const events = createMailEvents();
    const deps = await mailDeps(t, { config: testConfig({ mail: { smtpUrl: sink.url } }), clock, events });
    const runner = createMailRunner(deps, { intervalMs: 60_000 });
    runner.start();
    try {
      await queueEvent(
        t,
        { eventKey: 'closed:9:runner', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 9 },
        clock.now(),
      );
      const sent = once(events, 'mail:sent');
      runner.wake(); // the interval is a minute: only wake() can explain a prompt send
      const [info] = (await sent) as [{ eventKey: string; to: string[]; messageId: string }];
      expect(info).toMatchObject({
        eventKey: 'closed:9:runner',
        to: ['alexey.yolkin@example.ru'],
        messageId: '<closed.9.runner.ticket-9@shop.example.ru>',
      });
    } finally {
      await runner.stop();
    }
    expect(sink.byMessageId('<closed.9.runner.ticket-9@shop.example.ru>')).toHaveLength(1);
  });
});
