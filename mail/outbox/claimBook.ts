import { Clock } from '../../core/clock';
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
  /** A long-lived clock (deps.clock), not a closure made for the pass: see Book below. */
  clock: Clock;
  claimTimeoutMs: number;
  logger: Pick<Logger, 'debug' | 'warn'>;
}

interface Held {
  row: HeldRow;
  confirmedAt: number;
}

interface Check {
  row: HeldRow;
  resolve: (ok: boolean) => void;
  reject: (err: unknown) => void;
}

export function createClaimBook(db: Db, options: ClaimBookOptions): ClaimBook {
  return new Book(db, options);
}

/**
 * A class rather than closures made per pass: stillHeld() and letGo() run for every mail, and V8's
 * optimised code for the sender inlines them. Closures are new functions in each pass, so the code
 * that inlined the last pass's was thrown away once they were collected and compiled again, pass
 * after pass; a class's methods are the same functions for the life of the process.
 */
class Book implements ClaimBook {
  private readonly held = new Map<number, Held>();
  // Numbers start as numbers (see sendSlots.ts).
  private readonly recheckAfterMs: number = 0;
  private readonly renewEveryMs: number = 0;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;
  private checks: Check[] = [];
  private checking: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: ClaimBookOptions,
  ) {
    this.recheckAfterMs = Math.min(2000, Math.floor(options.claimTimeoutMs / 10));
    this.renewEveryMs = Math.max(250, Math.floor(options.claimTimeoutMs / 4));
  }

  hold(rows: HeldRow[], now: Date): void {
    for (const row of rows) this.held.set(row.id, { row, confirmedAt: now.getTime() });
    this.syncTimer();
  }

  holds(id: number): boolean {
    return this.held.has(id);
  }

  stillHeld(row: HeldRow): Promise<boolean> {
    const h = this.held.get(row.id);
    if (!h) return Promise.resolve(false);
    if (this.options.clock.now().getTime() - h.confirmedAt < this.recheckAfterMs)
      return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      this.checks.push({ row, resolve, reject });
      this.checking ??= this.runChecks();
    });
  }

  letGo(row: HeldRow): void {
    this.held.delete(row.id);
    this.syncTimer();
  }

  async giveBack(rows: HeldRow[]): Promise<void> {
    await releaseClaims(this.db, rows);
    for (const row of rows) this.held.delete(row.id);
    this.syncTimer();
  }

  get size(): number {
    return this.held.size;
  }

  close(): void {
    this.held.clear();
    this.syncTimer();
  }

  private renew(): Promise<void> {
    return (this.renewing ??= this.renewAll().finally(() => (this.renewing = null)));
  }

  private async renewAll(): Promise<void> {
    const rows = [...this.held.values()];
    if (rows.length === 0) return;
    const at = this.options.clock.now();
    try {
      const renewed = await renewClaims(this.db, [...new Set(rows.map((h) => h.row.claimedBy))], at);
      // Only when every held row was renewed does it count as confirmed: a row lost meanwhile (taken
      // over, or marked by a late mark) must not skip its re-check before the send.
      if (renewed === rows.length)
        for (const h of rows) h.confirmedAt = Math.max(h.confirmedAt, at.getTime());
    } catch (err) {
      // The next tick tries again; three more come before a lease could lapse.
      this.options.logger.debug(`renewing mail claims failed: ${(err as Error).message}`);
    }
  }

  private async runChecks(): Promise<void> {
    while (this.checks.length) {
      const group = this.checks;
      this.checks = [];
      const at = this.options.clock.now();
      try {
        const ours = await confirmClaims(
          this.db,
          group.map((g) => g.row),
          at,
        );
        for (const g of group) {
          const h = this.held.get(g.row.id);
          if (h && ours.has(g.row.id)) h.confirmedAt = at.getTime();
          g.resolve(ours.has(g.row.id));
        }
      } catch (err) {
        group.forEach((g) => g.reject(err));
      }
    }
    this.checking = null;
  }

  private syncTimer(): void {
    if (this.held.size > 0 && !this.timer) {
      this.timer = setInterval(() => void this.renew(), this.renewEveryMs);
      this.timer.unref();
    } else if (this.held.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
