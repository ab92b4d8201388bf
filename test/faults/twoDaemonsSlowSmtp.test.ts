import { TestDatabase } from '../helpers/db';
import { BxsupProcess } from '../helpers/daemonProcess';
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
    const claimTimeoutMs = 10000;
    const cwd = daemonDir({ smtpUrl: smtp.url, concurrency: 2, claimTimeoutMs, batchSize: 50 });
    const keys = await queueMails(t, 40, 'f1');
    let daemons: BxsupProcess[] = [];
    try {
      daemons = await Promise.all([startDaemon(t.url, cwd), startDaemon(t.url, cwd)]);
      await allSent(t, keys, 60000);
      // Past a whole claim timeout more: a reaper that took a live claim would resend now.
      await new Promise((resolve) => setTimeout(resolve, claimTimeoutMs + 2000));
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
