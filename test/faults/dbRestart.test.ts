import { parseDbUrl } from '../../core/dbUrl';
import { PrivateServer, startPrivateServer } from '../../demo/privateServer';
import { TestDatabase } from '../helpers/db';
import { BxsupProcess, eventually } from '../helpers/daemonProcess';
import { DelayedSmtp } from './delayedSmtp';
import { installedSite } from '../helpers/installedSite';
import { allSent, daemonDir, queueMails, startDaemon, stopAll, verdict } from './faultHarness';

/**
 * Issue 11, case 2: the database restarts while mails are in flight. The senders used to keep sending
 * every row in hand while their 'sent' marks failed, and the reaper then sent all of those again. Now a
 * failing mark stops the sender taking rows, the mails already at the server are marked once the
 * database is back, and what was not sent is given back: every event arrives once.
 *
 * The restart is of a private mariadbd started for this test from the system binaries
 * (demo/privateServer.ts), never of the shared server the other tests use.
 */
describe('fault: the database restarts while mails are in flight', () => {
  let server: PrivateServer;
  let t: TestDatabase;
  let smtp: DelayedSmtp;

  beforeAll(async () => {
    server = await startPrivateServer();
    t = await installedSite({ server: parseDbUrl(server.url), installer: 'cli' });
    smtp = new DelayedSmtp({ dataDelayMs: 500 });
    await smtp.start();
  }, 120000);

  afterAll(async () => {
    await smtp?.close();
    await t?.drop().catch(() => undefined);
    await server?.stop();
  });

  it('sends each of 30 mails exactly once across the restart, with two daemons', async () => {
    const cwd = daemonDir({ smtpUrl: smtp.url, concurrency: 3, claimTimeoutMs: 10000 });
    const keys = await queueMails(t, 30, 'f2');
    let daemons: BxsupProcess[] = [];
    let acceptedBeforeRestart = 0;
    try {
      daemons = await Promise.all([startDaemon(t.url, cwd), startDaemon(t.url, cwd)]);
      await eventually(async () => smtp.accepted.length >= 6, 30000, 'the first mails accepted');
      await server.halt();
      acceptedBeforeRestart = smtp.accepted.length;
      // The mails that were at the mail server when the database went are accepted meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await server.resume();
      await allSent(t, keys, 90000);
      // Whatever was still in flight lands; nothing more may come.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      expect(await stopAll(daemons)).toEqual([0, 0]);
    }
    const result = await verdict(t, smtp, keys);
    console.log(
      `fault suite, database restart: ${JSON.stringify({ ...result, acceptedBeforeRestart, accepted: smtp.accepted.length })}`,
    );
    expect(acceptedBeforeRestart).toBeLessThan(30);
    expect(result).toEqual({ events: 30, doubled: [], lost: [] });
    expect(smtp.accepted).toHaveLength(30);
    // Neither daemon gave up or lingered: both reconnected and stopped cleanly (exit 0 above).
    for (const d of daemons) expect(d.output()).toMatch(/working again|database unreachable/);
  }, 180000);
});
