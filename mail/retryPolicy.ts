import { backoffDelay } from '../core/backoff';

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

export function decideRetry(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (attempts >= policy.maxAttempts) return { kind: 'give_up' };
  return { kind: 'retry', delayMs: backoffDelay(attempts, policy, random) };
}
