import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../core/backoff';
import { retryLockConflicts } from '../core/lockConflicts';
import { describeError } from '../core/dbErrorText';
import { BxsupError } from '../core/errors';
import { isConnectionError } from '../core/dbErrors';
import { ComposeDeps } from './compose/composeDeps';
import { MAIL_EVENT_TYPES } from './eventTypes';
import { createFactsReader } from './facts/factsReader';
import { claimDue } from '../store/outbox/claim';
import { ClaimBook, createClaimBook } from './outbox/claimBook';
import { createClaimFeeder } from './outbox/claimFeeder';
import { claimHorizonMs, claimShare, wantedClaimSize } from './outbox/claimSize';
import { HEARTBEAT_INTERVAL_MS, liveDaemons } from '../store/daemons';
import { ClaimedRow } from '../store/outbox/outboxRow';
import { reapStaleClaims } from './outbox/reap';
import { createSentMarker, MARK_RETRY_MAX_MS } from './outbox/sentMarker';
import { MailDeps } from './mailDeps';
import { createSendSlots } from './sendSlots';
import { PassWork, passWorker } from './passWorker';

export interface MailPassOptions {
  /** Free stale claims of dead senders first (the daemon holds back for a while after a reconnect). */
  reap?: boolean;
  /** How long unrecorded 'sent' marks and give-backs are retried after a lost connection (default 1 min). */
  settleForMs?: number;
  /** Stop: take no new rows, give back what is unsent, stop retrying marks. */
  signal?: AbortSignal;
}

export interface MailCounts {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  skipped: number;
  /** Waiting for the recipient's address (state 'no_address'). */
  noAddress: number;
  /** Stale claims of dead senders handed out again. */
  reaped: number;
  /** Rows another sender took over before ours were sent (not sent by us). */
  lost: number;
  /** Claimed but given back unsent (the pass stopped early). */
  givenBack: number;
  /** 'sent' marks recorded after the claim had lapsed (store/outbox/complete.ts). */
  lateMarks: number;
}

/** Claims a lock conflict rolled back, tried again before the pass fails (see the claim below). */
const CLAIM_ATTEMPTS = 5;

/**
 * One sender pass: free the claims of dead senders, then claim and send what is due, a few rows at a
 * time, until nothing due is left. Each mail is marked right after its outcome; 'sent' right after the
 * transport accepted it (in the same transaction for a database transport, which makes that exactly
 * once). For SMTP the one moment that can still send a mail twice is a crash between the server's 250
 * and the commit of the 'sent' mark (README, "Reliability"). Everything else is fenced: claims carry a
 * token, are renewed while held and re-checked right before the send; when marks fail the pass takes
 * no new rows, gives back what it has not sent, and retries the marks until they land.
 */
export async function mailOnce(deps: MailDeps, options: MailPassOptions = {}): Promise<MailCounts> {
  const counts: MailCounts = {
    claimed: 0,
    sent: 0,
    retried: 0,
    dead: 0,
    skipped: 0,
    noAddress: 0,
    reaped: 0,
    lost: 0,
    givenBack: 0,
    lateMarks: 0,
  };
  const { mail } = deps.config;
  const now = (): Date => deps.clock.now();
  if (options.reap ?? true) {
    counts.reaped = await reapStaleClaims(deps.db, {
      now: now(),
      timeoutMs: mail.claimTimeoutMs,
      self: deps.instanceId,
    });
    if (counts.reaped) deps.logger.warn(`freed ${counts.reaped} mail claims of a sender that stopped`);
  }
  const settleForMs = options.settleForMs ?? 60_000;
  const book = createClaimBook(deps.db, {
    clock: deps.clock,
    claimTimeoutMs: mail.claimTimeoutMs,
    logger: deps.logger,
  });
  const marker = createSentMarker(deps.db, {
    clock: deps.clock,
    giveUpAfterMs: settleForMs,
    signal: options.signal,
  });
  const compose: ComposeDeps = {
    db: deps.db,
    reader: createFactsReader(deps.db),
    templates: deps.templates,
    config: deps.config,
    zone: deps.zone,
    senders: new Map(),
  };
  // More mails in hand than connections: while some are being sent, others are read and rendered. A
  // claim takes what the workers need at once, and with a backlog about a second of this sender's
  // sending, at most its share of mail.batchSize (outbox/claimSize.ts).
  const workerCount = mail.concurrency * 4;
  const started = performance.now();
  const slots = createSendSlots(deps.transport.transactional ? workerCount : mail.concurrency);
  // The workers' shared state (passWorker.ts); the claim size follows `finished`.
  const work: PassWork = {
    delivery: { deps, compose, marker, book, slots },
    counts,
    finished: 0,
    unsent: [],
    marks: [],
    signal: options.signal,
  };
  let share: number | null = null;
  const claimLimit = async (): Promise<number> => {
    const wanted = wantedClaimSize({
      finished: work.finished,
      elapsedMs: performance.now() - started,
      smallest: workerCount,
      batchSize: mail.batchSize,
      horizonMs: claimHorizonMs(mail.claimTimeoutMs),
    });
    if (wanted <= workerCount) return wanted;
    // Read once per pass, and only when there is a backlog to share. If the count fails, this pass
    // keeps to the smallest claim (the share of many senders: it never takes another's part), says so
    // once, and does not ask again before the next pass.
    if (share === null) {
      const live = await liveDaemons(deps.db, now(), 2 * HEARTBEAT_INTERVAL_MS).catch(() => null);
      share = live ? claimShare(mail.batchSize, workerCount, live.length) : workerCount;
      if (!live)
        deps.logger.warn(
          `could not count the running daemons to share the mail backlog: this pass claims at most ${workerCount} mails at a time`,
        );
    }
    return Math.min(wanted, share);
  };
  const feeder = createClaimFeeder(
    async () => {
      const limit = await claimLimit();
      // Two senders claiming at once (and a claim meeting the 'sent' marks) can deadlock where the
      // server has no SKIP LOCKED; the victim's claim took nothing, so it is simply claimed again.
      const rows = await retryLockConflicts(
        () =>
          claimDue(deps.db, {
            claimer: deps.instanceId,
            limit,
            now: now(),
            skipLocked: deps.skipLocked,
            eventTypes: MAIL_EVENT_TYPES,
          }),
        CLAIM_ATTEMPTS,
      );
      // A row this pass still has in flight under an earlier claim (its lease was taken away and the
      // row handed out again) is not sent a second time: the send under way records it.
      const fresh = rows.filter((r) => !book.holds(r.id));
      book.hold(fresh, now());
      // One read for the claim's tickets instead of one per mail; if it fails, each mail reads its own.
      await compose.reader.prefetchTickets(fresh.map((r) => r.ticketId)).catch(() => undefined);
      return fresh;
    },
    Math.floor(workerCount / 2),
  );
  const { unsent, marks } = work;
  try {
    let workError: unknown = null;
    await workers(workerCount, () => passWorker(work, feeder)).catch((err: unknown) => (workError = err));
    unsent.push(...(await feeder.stop()));
    counts.claimed = feeder.claimed;
    // The marks first: each is a mail that went out. Then what was claimed and not sent goes back.
    const lostMarks = (await Promise.allSettled(marks)).filter((r) => r.status === 'rejected');
    counts.lateMarks = marker.late;
    if (counts.lateMarks)
      deps.logger.warn(
        `${counts.lateMarks} 'sent' mark(s) came after the claim had lapsed: recorded all the same, so the mails are not sent again`,
      );
    if (unsent.length) counts.givenBack = await giveBack(book, unsent, settleForMs, options.signal);
    if (lostMarks.length) {
      const reason = (lostMarks[0] as PromiseRejectedResult).reason;
      throw new BxsupError(
        'WORK_FAILED',
        `${lostMarks.length} mail(s) went out but their 'sent' mark could not be written (${describeError(reason)}): they will be sent again once their claim lapses`,
        { cause: reason },
      );
    }
    if (workError) throw workError;
    if (counts.givenBack < unsent.length)
      throw new Error(
        `${unsent.length} claimed mail(s) could not be given back: they wait for their claim to lapse`,
      );
    return counts;
  } finally {
    book.close();
  }
}

/** Gives unsent rows back, retrying a lost connection for up to `retryForMs`. */
async function giveBack(
  book: ClaimBook,
  rows: ClaimedRow[],
  retryForMs: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await book.giveBack(rows);
      return rows.length;
    } catch (err) {
      if (!isConnectionError(err) || signal?.aborted || Date.now() - started > retryForMs) return 0;
      await sleep(backoffDelay(attempt, { baseMs: 200, maxMs: MARK_RETRY_MAX_MS }), undefined, {
        signal,
      }).catch(() => undefined);
    }
  }
}

/**
 * Runs `n` copies of `work` at once. A failure does not abandon the others in flight: all finish, then
 * the first error is thrown.
 */
async function workers(n: number, work: () => Promise<void>): Promise<void> {
  const errors: unknown[] = [];
  await Promise.all(Array.from({ length: n }, () => work().catch((err: unknown) => errors.push(err))));
  if (errors.length) throw errors[0];
}
