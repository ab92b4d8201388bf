import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { seededRandom } from '../helpers/seededRandom';
import { BxsupProcess, eventually } from '../helpers/daemonProcess';
import { freePort, wholePassesSince } from '../helpers/metrics';
import { DelayedSmtp } from './delayedSmtp';
import {
  allSent,
  daemonDir,
  eventKeyOf,
  outboxStates,
  queueMails,
  startDaemon,
  stopAll,
  verdict,
} from './faultHarness';

/** Lets the daemon send for a while on purpose: the seeded random moment of a kill. */
const sendFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** From each daemon's JSON log: when each mail's 'sent' mark had committed (the line follows it). */
function markTimes(daemons: BxsupProcess[]): Map<string, number> {
  const marked = new Map<string, number>();
  for (const d of daemons) {
    for (const line of d.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { message?: string; messageId?: string; timestamp?: string };
      if (entry.message?.startsWith('mail sent:') && entry.messageId && entry.timestamp)
        marked.set(entry.messageId, Date.parse(entry.timestamp));
    }
  }
  return marked;
}

function spread(values: number[]): { n: number; min: number; median: number; p99: number; max: number } {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { n: v.length, min: v[0], median: at(0.5), p99: at(0.99), max: v[v.length - 1] };
}

/**
 * Issue 11, case 3: kill -9, again and again, while the mail server takes 300 ms to answer each DATA.
 * Every kill lands with mails mid-DATA at the server; those never got their 250, so they were not
 * accepted, and the next daemon sends them (once). The one moment that can still double a mail — a
 * kill between the server's 250 and the commit of the 'sent' mark — is kept out of this part on
 * purpose (the server holds its 250s until every accepted mail is marked, then the kill comes), and is
 * shown and measured by the next test.
 */
describe('fault: kill -9 while a slow mail server answers', () => {
  let t: TestDatabase;
  let smtp: DelayedSmtp;

  beforeAll(async () => {
    t = await installedSite({ installer: 'cli' });
    smtp = new DelayedSmtp({ dataDelayMs: 300 });
    await smtp.start();
  }, 60000);

  afterAll(async () => {
    await smtp?.close();
    await t?.drop();
  });

  it('twelve kills mid-send: every event arrives once, none is lost', async () => {
    const random = seededRandom('fault suite, kill -9 mid-send');
    const cwd = daemonDir({ smtpUrl: smtp.url, concurrency: 5, claimTimeoutMs: 5000 });
    // Enough that every daemon finds mail to send: each kill also leaves the rows it held claimed
    // until their leases lapse.
    const keys = await queueMails(t, 450, 'f3');
    const daemons: BxsupProcess[] = [];
    for (let kill = 0; kill < 12; kill++) {
      const before = smtp.accepted.length;
      const daemon = await startDaemon(t.url, cwd);
      daemons.push(daemon);
      await eventually(async () => smtp.accepted.length > before, 15000, 'this daemon sending');
      await sendFor(100 + Math.floor(random() * 500));
      smtp.hold();
      // Every mail the server accepted is marked sent: the kill cannot fall between a 250 and its mark.
      await eventually(
        async () => {
          const states = await outboxStates(
            t,
            smtp.accepted.map((m) => eventKeyOf(m.messageId)),
          );
          return [...states.values()].every((s) => s === 'sent');
        },
        15000,
        'every accepted mail marked',
      );
      daemon.child.kill('SIGKILL');
      await daemon.exited;
      await smtp.clientsGone();
      smtp.release();
    }
    // The rest by one daemon with more connections (the suite stays short).
    const lastPort = await freePort();
    const last = await startDaemon(
      t.url,
      daemonDir({ smtpUrl: smtp.url, concurrency: 10, claimTimeoutMs: 5000, metricsPort: lastPort }),
    );
    daemons.push(last);
    try {
      // The killed daemons' claims are freed once their leases and heartbeats have lapsed. Then a whole
      // mail pass: whatever was still in flight has landed, and nothing more is sent.
      await allSent(t, keys, 90000);
      await wholePassesSince(lastPort, ['mail']);
    } finally {
      expect(await stopAll([last])).toEqual([0]);
    }
    // Mails the server was still working on when their sender was killed (answered to nobody); the
    // last daemon stopped gracefully, so every one of these comes from a kill.
    const midData = smtp.abandoned;
    // Counted at the end of DATA instead, as a naive sink would: these are what looked doubled before.
    const readTimes = new Map<string, number>();
    for (const id of smtp.read) readTimes.set(id, (readTimes.get(id) ?? 0) + 1);
    const naiveDoubled = [...readTimes.values()].filter((n) => n > 1).length;
    const result = await verdict(t, smtp, keys);
    const accepted = new Map(smtp.accepted.map((m) => [m.messageId, m.acceptedAt]));
    const windows = [...markTimes(daemons)]
      .filter(([id]) => accepted.has(id))
      .map(([id, at]) => at - accepted.get(id)!);
    const window = spread(windows);
    console.log(
      `fault suite, 12 x kill -9 with a 300 ms DATA: ${JSON.stringify({ events: result.events, doubled: result.doubled.length, lost: result.lost.length, midDataAtKill: midData, doubledIfCountedAtEndOfData: naiveDoubled })}; 250 -> 'sent' committed, ms: ${JSON.stringify(window)}`,
    );
    expect(result).toEqual({ events: 450, doubled: [], lost: [] });
    // The kills did land while mails were at the server, unanswered.
    expect(midData).toBeGreaterThanOrEqual(12);
    expect(window.n).toBeGreaterThan(100);
  }, 180000);

  it('a kill between the 250 and the mark: that one mail arrives twice, with the same Message-ID', async () => {
    const cwd = daemonDir({ smtpUrl: smtp.url, concurrency: 1, claimTimeoutMs: 5000 });
    const keys = await queueMails(t, 6, 'w');
    const before = new Set(smtp.accepted.map((m) => m.messageId));
    const first = await startDaemon(t.url, cwd);
    let killedAfter: string | null = null;
    smtp.onAccept = (mail) => {
      // The server has the mail and writes its 250 next: kill now, before the sender can mark it sent.
      smtp.onAccept = null;
      smtp.hold();
      killedAfter = mail.messageId;
      first.child.kill('SIGKILL');
    };
    await first.exited;
    await smtp.clientsGone();
    smtp.release();
    expect(killedAfter).not.toBeNull();
    const killedKey = eventKeyOf(killedAfter!);
    // The kill beat the mark: the row still says 'sending', so it will be sent again.
    expect((await outboxStates(t, [killedKey])).get(killedKey)).toBe('sending');
    const nextPort = await freePort();
    const next = await startDaemon(
      t.url,
      daemonDir({ smtpUrl: smtp.url, concurrency: 1, claimTimeoutMs: 5000, metricsPort: nextPort }),
    );
    try {
      // Then a whole mail pass: whatever was still in flight has landed, and nothing more is sent.
      await allSent(t, keys, 60000);
      await wholePassesSince(nextPort, ['mail']);
    } finally {
      expect(await stopAll([next])).toEqual([0]);
    }
    const result = await verdict(t, smtp, keys);
    expect(result).toEqual({ events: 6, doubled: [killedKey], lost: [] });
    const copies = smtp.accepted.filter((m) => m.messageId === killedAfter && !before.has(m.messageId));
    expect(copies).toHaveLength(2);
  }, 120000);
});
