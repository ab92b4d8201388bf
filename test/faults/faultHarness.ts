import { TestDatabase } from '../helpers/db';
import { BxsupProcess, configDir, eventually, startBxsup } from '../helpers/daemonProcess';
import { queueEvent } from '../mail/helpers/mailEnv';
import { DelayedSmtp } from './delayedSmtp';

/**
 * What the fault scenarios share besides the site (test/helpers/installedSite.ts, installed by the CLI):
 * mail events queued the way the sync queues them, real `bxsup run` child processes, and the verdict counted at the receiving end
 * (DelayedSmtp): how many events arrived twice, and how many never arrived or were never marked sent.
 */

/** Fixture tickets whose owners have an address (their closing notices are mailable). */
const MAILABLE = [1, 2, 3, 5, 7, 8, 9, 10, 11];

/** `n` closing notices due now, keys closed:<ticket>:<tag>-<i>; returns the keys. */
export async function queueMails(t: TestDatabase, n: number, tag: string): Promise<string[]> {
  const keys: string[] = [];
  const now = new Date();
  for (let i = 0; i < n; i++) {
    const ticketId = MAILABLE[i % MAILABLE.length];
    const eventKey = `closed:${ticketId}:${tag}-${i}`;
    await queueEvent(t, { eventKey, eventType: 'SUPPORT_TICKET_CLOSED', ticketId }, now);
    keys.push(eventKey);
  }
  return keys;
}

/** The event key of one of our Message-IDs (<closed.9.f3-12.ticket-9@shop.example.ru>). */
export function eventKeyOf(messageId: string): string {
  const m = /^<closed\.(\d+)\.([^.@]+)\.ticket-\d+@/.exec(messageId);
  return m ? `closed:${m[1]}:${m[2]}` : messageId;
}

export interface FaultConfig {
  smtpUrl: string;
  concurrency: number;
  claimTimeoutMs: number;
  batchSize?: number;
  /** Serves /metrics there, for test/helpers/metrics.ts wholePassesSince (one port per daemon). */
  metricsPort?: number;
}

/** A working directory whose bxsup.config.json runs the daemon fast and logs JSON lines. */
export function daemonDir(c: FaultConfig): string {
  return configDir({
    site: { timeZone: 'Europe/Moscow', baseUrl: 'https://shop.example.ru' },
    sync: { pollIntervalMs: 500 },
    mail: {
      transport: 'smtp',
      smtpUrl: c.smtpUrl,
      pollIntervalMs: 200,
      concurrency: c.concurrency,
      batchSize: c.batchSize ?? 50,
      claimTimeoutMs: c.claimTimeoutMs,
      retryBaseMs: 500,
    },
    escalation: { enabled: false },
    log: { level: 'info', format: 'json' },
    ...(c.metricsPort ? { metrics: { port: c.metricsPort } } : {}),
  });
}

export async function startDaemon(url: string, cwd: string): Promise<BxsupProcess> {
  const daemon = startBxsup(['run', '--db', url], { cwd });
  await daemon.waitForOutput(/daemon started/, 30000);
  return daemon;
}

export async function outboxStates(t: TestDatabase, keys: string[]): Promise<Map<string, string>> {
  const rows = (await t
    .db('bl_support_outbox')
    .whereIn('event_key', keys)
    .select('event_key', 'state')) as Array<{
    event_key: string;
    state: string;
  }>;
  return new Map(rows.map((r) => [r.event_key, r.state]));
}

export async function allSent(t: TestDatabase, keys: string[], timeoutMs: number): Promise<void> {
  await eventually(
    async () =>
      [...(await outboxStates(t, keys)).values()].filter((s) => s === 'sent').length === keys.length,
    timeoutMs,
    `all ${keys.length} mails marked sent`,
  );
}

export interface Verdict {
  events: number;
  /** Events whose mail arrived more than once. */
  doubled: string[];
  /** Events whose mail never arrived, or whose row is not 'sent'. */
  lost: string[];
}

export async function verdict(t: TestDatabase, smtp: DelayedSmtp, keys: string[]): Promise<Verdict> {
  const received = new Map<string, number>();
  for (const [messageId, n] of smtp.counts()) received.set(eventKeyOf(messageId), n);
  const states = await outboxStates(t, keys);
  return {
    events: keys.length,
    doubled: keys.filter((k) => (received.get(k) ?? 0) > 1),
    lost: keys.filter((k) => !received.get(k) || states.get(k) !== 'sent'),
  };
}

export async function stopAll(daemons: BxsupProcess[]): Promise<Array<number | string>> {
  for (const d of daemons)
    if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGTERM');
  return Promise.all(daemons.map((d) => d.exited));
}
