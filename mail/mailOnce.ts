import { Clock } from '../core/clock';
import { Config } from '../core/config';
import { Db } from '../core/db';
import { Logger } from '../core/logger';
import { MailTemplates } from '../templates/mailTemplates';
import { ComposeDeps } from './compose/composeDeps';
import { MAIL_EVENT_TYPES } from './eventTypes';
import { createFactsReader } from './facts/factsReader';
import { MailEvents } from './mailEvents';
import { claimDue } from './outbox/claim';
import { createClaimFeeder } from './outbox/claimFeeder';
import { reapStaleClaims } from './outbox/reap';
import { createSentMarker } from './outbox/sentMarker';
import { deliver } from './deliver';
import { MailTransport } from './transports/transport';

export interface MailDeps {
  db: Db;
  config: Pick<Config, 'site' | 'mail'>;
  transport: MailTransport;
  templates: MailTemplates;
  clock: Clock;
  logger: Logger;
  /** "host:pid": written to claimed_by, so `bxsup status` can say who holds a claim. */
  instanceId: string;
  /** FOR UPDATE SKIP LOCKED is available (bridge/serverInfo.ts); else the conditional-UPDATE claim. */
  skipLocked: boolean;
  /** The site's zone (bridge/siteZone.ts): native datetimes and due times. */
  zone: string;
  events?: MailEvents;
  /** Jitter source for retries; tests pin it. */
  random?: () => number;
}

export interface MailCounts {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  skipped: number;
  /** Stale claims of dead senders handed out again. */
  reaped: number;
}

/**
 * One sender pass: free stale claims, then claim and send what is due, batch after batch, until nothing
 * due is left. Each mail is marked right after its outcome; 'sent' right after the transport accepted it
 * (in the same transaction for a database transport), so a crash can at worst resend one mail, with the
 * same Message-ID.
 */
export async function mailOnce(deps: MailDeps): Promise<MailCounts> {
  const counts: MailCounts = { claimed: 0, sent: 0, retried: 0, dead: 0, skipped: 0, reaped: 0 };
  const { mail } = deps.config;
  counts.reaped = await reapStaleClaims(deps.db, deps.clock.now(), mail.claimTimeoutMs);
  if (counts.reaped) deps.logger.warn(`freed ${counts.reaped} mail claims of a sender that stopped`);
  const marker = createSentMarker(deps.db, () => deps.clock.now());
  const compose: ComposeDeps = {
    db: deps.db,
    reader: createFactsReader(deps.db),
    templates: deps.templates,
    config: deps.config,
    zone: deps.zone,
  };
  const feeder = createClaimFeeder(
    async () => {
      const rows = await claimDue(deps.db, {
        claimer: deps.instanceId,
        limit: mail.batchSize,
        now: deps.clock.now(),
        skipLocked: deps.skipLocked,
        eventTypes: MAIL_EVENT_TYPES,
      });
      // One read for the batch's tickets instead of one per mail; if it fails, each mail reads its own.
      await compose.reader.prefetchTickets(rows.map((r) => r.ticketId)).catch(() => undefined);
      return rows;
    },
    Math.floor(mail.batchSize / 2),
  );
  // More mails in hand than SMTP connections: while some are being sent, others are read from the
  // database and rendered; the transport's pool queues what exceeds its connections.
  const marks: Array<Promise<void>> = [];
  await workers(mail.concurrency * 4, async () => {
    for (let row = await feeder.next(); row; row = await feeder.next()) {
      const { outcome, marked } = await deliver(row, deps, compose, marker);
      counts[outcome]++;
      if (marked) {
        // Handled now, read at the end: a mark that fails while mails are still going out must not
        // be an unhandled rejection (which ends the process) in the meantime.
        marked.catch(() => undefined);
        marks.push(marked);
      }
    }
  });
  counts.claimed = feeder.claimed;
  // A lost mark is an error of the pass (the row stays 'sending' until the reaper), never a resend now.
  const failed = (await Promise.allSettled(marks)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return counts;
}

/**
 * Runs `n` copies of `work` at once. A failure (the database went away while marking) does not abandon
 * the others in flight: all finish, then the first error is thrown; rows left 'sending' are freed by the
 * reaper.
 */
async function workers(n: number, work: () => Promise<void>): Promise<void> {
  const errors: unknown[] = [];
  await Promise.all(Array.from({ length: n }, () => work().catch((err: unknown) => errors.push(err))));
  if (errors.length) throw errors[0];
}
