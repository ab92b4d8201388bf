import { performance } from 'node:perf_hooks';

/**
 * A rows-per-second budget for the background sweeps (db.maxRowsPerSecond): a token bucket that fills at
 * the rate, holds at most `burstSeconds` of it, and is spent by the rows a step examined. The sweep asks
 * how many rows it may examine now, sizes its next step to that, and records what the step really cost;
 * a step that cost more than its estimate leaves the bucket in debt, and the next steps wait until it is
 * paid back. So over any stretch of time T the sweep examines at most rate × (T + burstSeconds), plus the
 * overshoot of one step's estimate.
 *
 * It never sleeps: a sweep that finds the bucket empty stops and carries the rest to its next pass, so it
 * never holds up the work sharing the pass (new tickets, mail). Elapsed time is monotonic (not the Clock:
 * tests pin "now", and pacing is about the server's real seconds); tests pass their own `elapsedMs`.
 *
 * One budget per process, created by the composition root and shared by every sweep that should count
 * against the same limit: each calls `available()` before a step and `spend()` after it.
 */
export interface RowBudget {
  readonly rowsPerSecond: number;
  /** The most the bucket holds: a sweep never waits for more than this before a step. */
  readonly capacity: number;
  /** Rows a step may examine now; 0 when the bucket is empty or in debt. */
  available(): number;
  /** Records the rows a step examined (its real cost, not the estimate it was sized by). */
  spend(rows: number): void;
}

export interface RowBudgetOptions {
  /**
   * How much unspent budget is kept for later, in seconds of the rate; default 5: a few poll intervals,
   * so passes that come slower than the poll interval (a busy server) still get the whole rate.
   */
  burstSeconds?: number;
  /** Milliseconds from any fixed origin, monotonic; default performance.now. */
  elapsedMs?: () => number;
}

export function createRowBudget(rowsPerSecond: number, options: RowBudgetOptions = {}): RowBudget {
  if (!(rowsPerSecond > 0)) throw new RangeError(`rowsPerSecond must be positive, not ${rowsPerSecond}`);
  const elapsedMs = options.elapsedMs ?? (() => performance.now());
  const capacity = rowsPerSecond * (options.burstSeconds ?? 5);
  let tokens = capacity;
  let at = elapsedMs();
  const refill = () => {
    const now = elapsedMs();
    tokens = Math.min(capacity, tokens + ((now - at) / 1000) * rowsPerSecond);
    at = now;
  };
  return {
    rowsPerSecond,
    capacity,
    available() {
      refill();
      return Math.max(0, Math.floor(tokens));
    },
    spend(rows) {
      refill();
      tokens -= Math.max(0, rows);
    },
  };
}

/** No limit: `bxsup sync --reconcile` (a cycle the operator asked for now) and tests that want one. */
export const UNLIMITED_ROWS: RowBudget = {
  rowsPerSecond: Infinity,
  capacity: Infinity,
  available: () => Infinity,
  spend: () => undefined,
};
