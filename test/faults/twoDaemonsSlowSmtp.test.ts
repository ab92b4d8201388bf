import { TestDatabase } from '../helpers/db';
import { BxsupProcess } from '../helpers/daemonProcess';
import { freePort, wholePassesSince } from '../helpers/metrics';
import { DelayedSmtp } from './delayedSmtp';
import { installedSite } from '../helpers/installedSite';
import { allSent, daemonDir, queueMails, startDaemon, stopAll, verdict } from './faultHarness';

/**
 * Issue 11, case 1: two live daemons, a slow mail server (a second per mail), no crash. Rows used to
 * wait in one sender's hand longer than mail.claimTimeoutMs, the other daemon's reaper freed those
 * live claims and both sent them. Now claims are small, renewed while held and re-checked right before
 * the send, and a live holder's claims are never reaped: every event arrives once.
 */
describe('fault: two daemons, slow SMTP', () => {
  let t: TestDatabase;
  let smtp: DelayedSmtp;

  beforeAll(async () => {
    t = await installedSite({ installer: 'cli' });
    smtp = new DelayedSmtp({ dataDelayMs: 1000 });
    await smtp.start();
  }, 60000);

  afterAll(async () => {
    await smtp?.close();
    await t?.drop();
  });

  it('sends each of 40 mails exactly once, both daemons taking part', async () => {
    // Each daemon serves /metrics on a port of its own: the test reads there when its mail passes ran.
    const ports = [await freePort(), await freePort()];
    const keys = await queueMails(t, 40, 'f1');
    let daemons: BxsupProcess[] = [];
    try {
      daemons = await Promise.all(
        ports.map((metricsPort) =>
          startDaemon(
            t.url,
            daemonDir({
              smtpUrl: smtp.url,
              concurrency: 2,
              claimTimeoutMs: 10000,
              batchSize: 50,
              metricsPort,
            }),
          ),
        ),
      );
      // A reaper that took a live claim would have it resent while the mails go out; once all are
      // marked there is no claim left to reap (it frees 'sending' rows only). Each daemon then runs a
      // whole mail pass: a second copy still in flight has landed, and nothing more is sent.
      await allSent(t, keys, 60000);
      await Promise.all(ports.map((port) => wholePassesSince(port, ['mail'])));
    } finally {
      expect(await stopAll(daemons)).toEqual([0, 0]);
    }
    const result = await verdict(t, smtp, keys);
    console.log(
      `fault suite, two daemons + 1 s SMTP: ${JSON.stringify({ ...result, accepted: smtp.accepted.length })}`,
    );
    expect(result).toEqual({ events: 40, doubled: [], lost: [] });
    expect(smtp.accepted).toHaveLength(40);
    // Both sent some: the claims are shared out, not hoarded by the first daemon.
    for (const d of daemons) expect(d.output().match(/mail sent:/g)?.length ?? 0).toBeGreaterThan(5);
  }, 120000);
});
