import { FixedClock } from '../../core/clock';
import { mailOnce } from '../../mail/mailOnce';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, queueBacklog, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * Two senders working through one backlog at the same time, counted at a real SMTP server: every mail
 * arrives once, and both senders take part — a claim leaves the rows it does not take to the other
 * sender (an empty claim ends a sender's pass, so a claim that found everything locked would have sent
 * that sender home while mail was still waiting).
 */
const BACKLOG = 240;

describe('two senders over a backlog', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));

  beforeAll(async () => {
    // No sync: the outbox holds only the backlog below.
    t = await installedSite({ sync: false });
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  it('each mail reaches the server once and both senders send some of them', async () => {
    await queueBacklog(t, clock, BACKLOG);
    const config = testConfig({ mail: { smtpUrl: sink.url, concurrency: 2 } });
    const senders = await Promise.all(
      ['host-a:1', 'host-b:2'].map((instanceId) => mailDeps(t, { config, clock, instanceId })),
    );
    try {
      const counts = await Promise.all(senders.map((deps) => mailOnce(deps)));
      expect(counts[0].sent + counts[1].sent).toBe(BACKLOG);
      expect(counts[0].sent).toBeGreaterThan(0);
      expect(counts[1].sent).toBeGreaterThan(0);
    } finally {
      await Promise.all(senders.map((deps) => deps.transport.close()));
    }
    const ids = sink.mails.map((m) => m.parsed.messageId);
    expect(ids).toHaveLength(BACKLOG);
    expect(new Set(ids).size).toBe(BACKLOG);
    const states = await t.db('bl_support_outbox').groupBy('state').select('state').count({ n: '*' });
    expect(states).toEqual([{ state: 'sent', n: BACKLOG }]);
  });
});
