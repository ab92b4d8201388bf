import { Db } from '../../core/db';
import { HEARTBEAT_INTERVAL_MS } from '../../store/daemons';
import { freeStaleClaims } from '../../store/outbox/reap';

export interface ReapOptions {
  now: Date;
  /** mail.claimTimeoutMs: a lease nobody renewed for this long has lost its holder. */
  timeoutMs: number;
  /** This sender's instance ID: its own claims are never reaped by itself. */
  self: string;
}

/**
 * Frees the claims of senders that are gone (kill -9, a lost host): the row goes back to 'pending', due
 * at once, and is sent by whoever claims it next. A claim is freed only when both say its holder is
 * gone:
 * - its lease lapsed: nobody renewed claimed_at for mail.claimTimeoutMs (a live sender renews every
 *   quarter of that, also while its mail waits behind a slow server or its mark waits for the database);
 * - its holder's daemon has no heartbeat in bl_support_daemon for as long (or two heartbeat intervals,
 *   whichever is longer). A `bxsup mail send` has no heartbeat row: its lease alone speaks for it.
 * The token's part before '#' is the holder's instance ID (store/outbox/claim.ts).
 */
export async function reapStaleClaims(db: Db, options: ReapOptions): Promise<number> {
  const { now, timeoutMs } = options;
  return freeStaleClaims(db, {
    now,
    leaseBefore: new Date(now.getTime() - timeoutMs),
    heartbeatBefore: new Date(now.getTime() - Math.max(timeoutMs, 2 * HEARTBEAT_INTERVAL_MS)),
    self: options.self,
  });
}
