import { FixedClock } from '../../core/clock';
import { mailOnce } from '../../mail/mailOnce';
import { DAEMON_TABLE } from '../../store/daemons';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, memoryLogger, msk, queueBacklog, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * A sender over a backlog when the running daemons cannot be counted (here the daemons' table is
 * renamed away for the pass): it keeps to the smallest claim, says so in one log line (not one per
 * claim, and without the server's error text), and every mail still reaches the server once.
 */
const BACKLOG = 300;

describe('a backlog when the daemons cannot be counted', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));

  beforeAll(async () => {
    t = await installedSite({ sync: false });
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  it('claims the smallest share, logs it once, and sends every mail once', async () => {
    await queueBacklog(t, clock, BACKLOG);
    const { logger, text } = memoryLogger();
    // Two connections, so eight mails in hand: the sink takes them faster than that a second, and the
    // claims after the first want more, which is when the daemons are counted.
    const config = testConfig({ mail: { smtpUrl: sink.url, concurrency: 2, batchSize: 200 } });
    const deps = await mailDeps(t, { config, clock, logger });
    await t.db.raw(`RENAME TABLE ${DAEMON_TABLE} TO ${DAEMON_TABLE}_away`);
    try {
      // Without the reaper, which reads the same table before any claim.
      const counts = await mailOnce(deps, { reap: false });
      expect(counts.sent).toBe(BACKLOG);
    } finally {
      await t.db.raw(`RENAME TABLE ${DAEMON_TABLE}_away TO ${DAEMON_TABLE}`);
      await deps.transport.close();
    }
    const lines = text()
      .split('\n')
      .filter((l) => l.includes('could not count the running daemons'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('at most 8 mails at a time');
    expect(lines[0]).not.toMatch(/doesn't exist|SELECT|bl_support_daemon/i);
    const ids = sink.mails.map((m) => m.parsed.messageId);
    expect(ids).toHaveLength(BACKLOG);
    expect(new Set(ids).size).toBe(BACKLOG);
  });
});
