/**
 * Capped exponential backoff with full jitter: attempt 1 waits up to `baseMs`, each further attempt
 * doubles the cap, never beyond `maxMs`. Pure: the random source is a parameter so tests can pin it.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: never zero (no hot loop), and two daemons do not retry in lockstep.
  return Math.round(exp / 2 + (random() * exp) / 2);
}
