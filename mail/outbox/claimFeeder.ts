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
  const queue: ClaimedRow[] = [];
  let claimed = 0;
  let done = false;
  let failure: unknown = null;
  let inFlight: Promise<void> | null = null;

  const refill = (): Promise<void> =>
    (inFlight ??= claim()
      .then(
        (rows) => {
          if (rows.length === 0) done = true;
          queue.push(...rows);
          claimed += rows.length;
        },
        (err: unknown) => {
          failure = err;
          done = true;
        },
      )
      .finally(() => {
        inFlight = null;
      }));

  return {
    async next() {
      for (;;) {
        if (failure) throw failure;
        if (!done && queue.length <= lowWater) void refill();
        const row = queue.shift();
        if (row) return row;
        if (done && !inFlight) return null;
        await refill();
      }
    },
    async stop() {
      done = true;
      await inFlight;
      return queue.splice(0);
    },
    get claimed() {
      return claimed;
    },
  };
}
