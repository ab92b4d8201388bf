/**
 * How many rows the next claim takes. Each claim costs the same few statements whatever its size (a
 * transaction, the SELECT … FOR UPDATE, the UPDATE, the tickets' facts), so with a backlog a sender that
 * claims 20 rows at a time spends more of its CPU on claiming than on mail. What holds the size down is
 * what a claim keeps from others, and for how long:
 *
 * - A killed sender's rows wait until their lease lapses (mail.claimTimeoutMs) — the same time for 20
 *   rows as for 200; only the number held grows. So the size follows what this sender actually sends:
 *   about `horizonMs` of its sending at the rate it has reached in this pass. A slow mail server (a few
 *   mails a second) keeps the claims at the smallest size; a fast one lets them grow.
 * - Two daemons share a backlog by turns of claims: a claim that took the whole backlog would leave the
 *   other daemon idle. No claim takes more than mail.batchSize divided by the live daemons
 *   (bl_support_daemon heartbeats), so each takes its share and the rest is left for the others.
 *
 * Never less than `smallest` (what the sender's workers need at once, today's size), never more than
 * mail.batchSize.
 */
export interface ClaimSizeInput {
  /** Mails this pass finished so far (sent or otherwise settled). */
  finished: number;
  /** Since the pass started. */
  elapsedMs: number;
  /** The sender's workers: mails in hand at once (4 × mail.concurrency). */
  smallest: number;
  /** mail.batchSize. */
  batchSize: number;
  /** How much of this sender's own sending one claim may hold. */
  horizonMs: number;
}

/** What the rate alone asks for: `smallest` until the pass has a rate, at most mail.batchSize. */
export function wantedClaimSize(input: ClaimSizeInput): number {
  const { finished, elapsedMs, smallest, batchSize, horizonMs } = input;
  const floor = Math.min(smallest, batchSize);
  if (finished <= 0 || elapsedMs <= 0) return floor;
  const byRate = Math.floor((finished / elapsedMs) * horizonMs);
  return Math.max(floor, Math.min(batchSize, byRate));
}

/** The share of mail.batchSize one of `liveSenders` daemons claims at most (never below `smallest`). */
export function claimShare(batchSize: number, smallest: number, liveSenders: number): number {
  const floor = Math.min(smallest, batchSize);
  return Math.max(floor, Math.floor(batchSize / Math.max(1, liveSenders)));
}

/**
 * A claim holds at most this long of the sender's own sending: well inside the re-check age of
 * claimBook.ts (a row held longer than that costs a round trip to re-check before its send).
 */
export function claimHorizonMs(claimTimeoutMs: number): number {
  return Math.min(1000, Math.floor(claimTimeoutMs / 20));
}
