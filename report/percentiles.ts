/**
 * Summary statistics of a sample, defined exactly so the numbers can be checked by hand.
 *
 * Percentiles use the **nearest-rank** method: for a sample of n values sorted ascending, the p-th
 * percentile (0 < p ≤ 100) is the value at 1-based rank ⌈p/100 · n⌉. It is always one of the observed
 * values (a "median first reply of 12 minutes" is a ticket that really took 12 minutes), and the
 * median is the 50th percentile: for an even n that is the lower of the two middle values, not their
 * average. The mean is the arithmetic mean. An empty sample has no median, p90 or mean (null).
 */
export interface SampleSummary {
  count: number;
  median: number | null;
  p90: number | null;
  mean: number | null;
}

/** The 1-based rank ⌈p/100 · n⌉ the nearest-rank p-th percentile of n values (n ≥ 1) is at. */
export function nearestRankPosition(n: number, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  // The epsilon keeps ranks like 0.9 · 10 = 9.000000000000002 from rounding up to 10.
  const rank = Math.ceil((p / 100) * n - 1e-9);
  return Math.min(n, Math.max(1, rank));
}

/** Nearest-rank percentile of values already sorted ascending. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const rank = nearestRankPosition(Math.max(1, sorted.length), p);
  return sorted.length === 0 ? null : sorted[rank - 1];
}

/** Sorts a copy (typed-array sort: numeric and fast on a million values) and summarises it. */
export function summarise(values: ArrayLike<number>): SampleSummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, median: null, p90: null, mean: null };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    median: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    mean: sum / n,
  };
}
