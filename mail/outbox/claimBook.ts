import { Db } from '../../core/db';
import { Logger } from '../../core/logger';
import { confirmClaims, HeldRow, releaseClaims, renewClaims } from '../../store/outbox/leases';

/**
 * What one sender pass holds, and the leases that keep it: every claimed row from its claim until it
 * is finished (marked, given back, or found lost). While a row is held its lease is renewed every
 * quarter of mail.claimTimeoutMs — also while its mail waits for a connection behind a slow server, and
 * while its 'sent' mark waits for the database to come back — so no reaper takes a live sender's rows.
 *
 * `stillHeld` is the re-check right before a send: when the row's lease was last confirmed longer ago
 * than `recheckAfterMs`, the database is asked (batched with the other rows about to go out). A row that
 * waited only a moment since its claim goes out without a round trip.
 */
export interface ClaimBook {
  hold(rows: HeldRow[], now: Date): void;
  holds(id: number): boolean;
  stillHeld(row: HeldRow): Promise<boolean>;
  letGo(row: HeldRow): void;
  /** Gives unsent rows back to the queue (and lets go of them). */
  giveBack(rows: HeldRow[]): Promise<void>;
  readonly size: number;
  /** Stops renewing (the pass is over). */
  close(): void;
}

export interface ClaimBookOptions {
  now: () => Date;
  claimTimeoutMs: number;
  logger: Pick<Logger, 'debug' | 'warn'>;
}

interface Held {
  row: HeldRow;
  confirmedAt: number;
}

export function createClaimBook(db: Db, options: ClaimBookOptions): ClaimBook {
  const held = new Map<number, Held>();
  const recheckAfterMs = Math.min(2000, Math.floor(options.claimTimeoutMs / 10));
  const renewEveryMs = Math.max(250, Math.floor(options.claimTimeoutMs / 4));
  let timer: NodeJS.Timeout | null = null;
  let renewing: Promise<void> | null = null;
  let checks: Array<{ row: HeldRow; resolve: (ok: boolean) => void; reject: (err: unknown) => void }> = [];
  let checking: Promise<void> | null = null;

  const renew = (): Promise<void> =>
    (renewing ??= (async () => {
      const rows = [...held.values()];
      if (rows.length === 0) return;
      const at = options.now();
      try {
        const renewed = await renewClaims(db, [...new Set(rows.map((h) => h.row.claimedBy))], at);
        // Only when every held row was renewed does it count as confirmed: a row lost meanwhile (taken
        // over, or marked by a late mark) must not skip its re-check before the send.
        if (renewed === rows.length)
          for (const h of rows) h.confirmedAt = Math.max(h.confirmedAt, at.getTime());
      } catch (err) {
        // The next tick tries again; three more come before a lease could lapse.
        options.logger.debug(`renewing mail claims failed: ${(err as Error).message}`);
      }
    })().finally(() => (renewing = null)));

  const runChecks = async (): Promise<void> => {
    while (checks.length) {
      const group = checks;
      checks = [];
      const at = options.now();
      try {
        const ours = await confirmClaims(
          db,
          group.map((g) => g.row),
          at,
        );
        for (const g of group) {
          const h = held.get(g.row.id);
          if (h && ours.has(g.row.id)) h.confirmedAt = at.getTime();
          g.resolve(ours.has(g.row.id));
        }
      } catch (err) {
        group.forEach((g) => g.reject(err));
      }
    }
    checking = null;
  };

  const syncTimer = (): void => {
    if (held.size > 0 && !timer) {
      timer = setInterval(() => void renew(), renewEveryMs);
      timer.unref();
    } else if (held.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  return {
    hold(rows, now) {
      for (const row of rows) held.set(row.id, { row, confirmedAt: now.getTime() });
      syncTimer();
    },
    holds(id) {
      return held.has(id);
    },
    stillHeld(row) {
      const h = held.get(row.id);
      if (!h) return Promise.resolve(false);
      if (options.now().getTime() - h.confirmedAt < recheckAfterMs) return Promise.resolve(true);
      return new Promise<boolean>((resolve, reject) => {
        checks.push({ row, resolve, reject });
        checking ??= runChecks();
      });
    },
    letGo(row) {
      held.delete(row.id);
      syncTimer();
    },
    async giveBack(rows) {
      await releaseClaims(db, rows);
      for (const row of rows) held.delete(row.id);
      syncTimer();
    },
    get size() {
      return held.size;
    },
    close() {
      held.clear();
      syncTimer();
    },
  };
}
