/**
 * What to do after a temporary failure: retry later, with capped exponential backoff and jitter, or
 * give up once `maxAttempts` is used. Pure: the random source is a parameter so tests can pin it.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

export type RetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'give_up' };

/** The delay before attempt `attempts + 1`, where `attempts` (≥ 1) failed so far. */
export function retryDelayMs(
  attempts: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, attempts - 1), 30); // 2^30 already dwarfs any cap
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  // Half fixed, half random: never a hot loop, and two daemons that failed together spread out.
  return Math.round(cap / 2 + (Math.min(Math.max(random(), 0), 1) * cap) / 2);
}

export function decideRetry(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (attempts >= policy.maxAttempts) return { kind: 'give_up' };
  return { kind: 'retry', delayMs: retryDelayMs(attempts, policy, random) };
}
