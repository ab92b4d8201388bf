import { ClaimedRow } from '../../store/outbox/outboxRow';

/**
 * Hands claimed rows to the sender's workers one at a time and claims the next few while the current
 * ones are still being sent (when what is left in hand falls to `lowWater`), so SMTP connections do not
 * sit idle at every claim. It stops claiming once a claim comes back empty (nothing more is due) or
 * when told to stop; `stop()` returns what was claimed but never handed out, to be given back.
 * A failed claim (the database went away) is thrown to the next caller.
 */
export interface ClaimFeeder {
  next(): Promise<ClaimedRow | null>;
  /** No more claims; resolves with the rows still in hand once a claim under way has returned. */
  stop(): Promise<ClaimedRow[]>;
  readonly claimed: number;
}

export function createClaimFeeder(claim: () => Promise<ClaimedRow[]>, lowWater: number): ClaimFeeder {
  return new Feeder(claim, lowWater);
}

/** A class: next() runs for every mail, and a pass's closures would cost V8 a recompile (claimBook.ts). */
class Feeder implements ClaimFeeder {
  private readonly queue: ClaimedRow[] = [];
  private claimedCount = 0;
  private done = false;
  private failure: unknown = null;
  private inFlight: Promise<void> | null = null;
  // Numbers start as numbers (see sendSlots.ts).
  private readonly lowWater: number = 0;

  constructor(
    private readonly claim: () => Promise<ClaimedRow[]>,
    lowWater: number,
  ) {
    this.lowWater = lowWater;
  }

  async next(): Promise<ClaimedRow | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (!this.done && this.queue.length <= this.lowWater) void this.refill();
      const row = this.queue.shift();
      if (row) return row;
      if (this.done && !this.inFlight) return null;
      await this.refill();
    }
  }

  async stop(): Promise<ClaimedRow[]> {
    this.done = true;
    await this.inFlight;
    return this.queue.splice(0);
  }

  get claimed(): number {
    return this.claimedCount;
  }

  private refill(): Promise<void> {
    return (this.inFlight ??= this.claim()
      .then(
        (rows) => {
          if (rows.length === 0) this.done = true;
          this.queue.push(...rows);
          this.claimedCount += rows.length;
        },
        (err: unknown) => {
          this.failure = err;
          this.done = true;
        },
      )
      .finally(() => {
        this.inFlight = null;
      }));
  }
}
