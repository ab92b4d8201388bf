import { Config } from '../config/config';
import { RowBudget } from '../core/rowBudget';

/**
 * The daemon's pace for the reconciliation: a cycle spread over sync.reconcileCycleMinutes, whatever the
 * site's size. The pace is the cycle's estimated rows over its length, never above db.maxRowsPerSecond:
 * a small site is swept a few rows a second over hours, not every few minutes; a big one at the budget,
 * in as long as that takes. It is counted by the clock ("now" of each pass) and its credit is kept in
 * the cursors table, so it carries over restarts and between daemons; the process's row budget
 * (core/rowBudget.ts) still caps every step as well.
 *
 * Credit accrues at the pace and is capped (CREDIT_SECONDS of it, at least one range's worth), so a
 * daemon that was stopped for an hour does not come back with an hour of rows to spend at once: that
 * cycle just ends later.
 */
export interface ReconcilePace {
  cycleMs: number;
  maxRowsPerSecond: number;
}

/** How much unspent pace is kept, in seconds of it: a few polls, so a slow pass loses nothing. */
const CREDIT_SECONDS = 60;

export function reconcilePaceFor(config: Config): ReconcilePace {
  return {
    cycleMs: config.sync.reconcileCycleMinutes * 60_000,
    maxRowsPerSecond: config.db.maxRowsPerSecond,
  };
}

/** Rows per second for a cycle of `estimatedRows`: spread over the cycle, at most the budget. */
export function pacedRowsPerSecond(pace: ReconcilePace, estimatedRows: number): number {
  return Math.min(pace.maxRowsPerSecond, Math.max(0, estimatedRows) / (pace.cycleMs / 1000));
}

/**
 * The rows a cycle will examine: what it examined so far, and the rest of its IDs at `rowsPerId`
 * (as measured this cycle, or the last one, or a first guess).
 */
export function estimatedCycleRows(at: {
  rowsSoFar: number;
  position: number;
  end: number;
  rowsPerId: number;
}): number {
  return at.rowsSoFar + Math.max(0, at.end - at.position) * at.rowsPerId;
}

/** Credit at a moment: what was left at `atMs`, plus the pace since, at most the cap. */
export interface PaceCredit {
  rows: number;
  atMs: number;
}

export function creditCap(rowsPerSecond: number, minimumRangeRows: number): number {
  return Math.max(rowsPerSecond * CREDIT_SECONDS, minimumRangeRows);
}

export function creditNow(credit: PaceCredit, rowsPerSecond: number, nowMs: number, cap: number): number {
  const seconds = Math.max(0, nowMs - credit.atMs) / 1000;
  return Math.min(cap, credit.rows + seconds * rowsPerSecond);
}

/**
 * The row budget of a paced pass: what the process's budget allows and the pace's credit allows, both
 * spent by each range. `credit()` is what is left, to be stored.
 */
export function pacedBudget(
  shared: RowBudget,
  pace: ReconcilePace,
  at: { estimatedRows: number; minimumRangeRows: number; credit: PaceCredit; nowMs: number },
): { budget: RowBudget; credit: () => number } {
  const rowsPerSecond = pacedRowsPerSecond(pace, at.estimatedRows);
  // Whole rows: a full credit must read as full (rangeSize), not a fraction short of it.
  const cap = Math.ceil(creditCap(rowsPerSecond, at.minimumRangeRows));
  let credit = creditNow(at.credit, rowsPerSecond, at.nowMs, cap);
  return {
    credit: () => credit,
    budget: {
      rowsPerSecond: Math.min(shared.rowsPerSecond, rowsPerSecond),
      capacity: Math.min(shared.capacity, cap),
      available: () => Math.max(0, Math.min(shared.available(), Math.floor(credit))),
      spend(rows) {
        shared.spend(rows);
        credit -= Math.max(0, rows);
      },
    },
  };
}
