/**
 * Capped exponential backoff with jitter: the cap doubles with each failed attempt from `baseMs`, never
 * beyond `maxMs`; the delay is half the cap fixed plus up to half at random. Used by the daemon's
 * reconnects, the mail sender's retries and webhook deliveries. Pure: the random source is a parameter
 * so tests can pin it.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** The delay before attempt `attempts + 1`, where `attempts` (≥ 1) failed so far. */
export function backoffDelay(
  attempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, attempts - 1), 30); // 2^30 already dwarfs any cap
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  // Half fixed, half random: never a hot loop, and two daemons that failed together spread out.
  return Math.round(cap / 2 + (Math.min(Math.max(random(), 0), 1) * cap) / 2);
}
