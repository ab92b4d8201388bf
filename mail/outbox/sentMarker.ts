import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../../core/backoff';
import { Db } from '../../core/db';
import { isConnectionError } from '../../core/dbErrors';
import { markSent } from '../../store/outbox/complete';
import { HeldRow } from '../../store/outbox/leases';

/**
 * Marks rows 'sent' as soon as their mail is accepted, coalescing the marks that arrive while one
 * UPDATE is in flight into the next one. Every mark still starts right after its send (no timer, no
 * waiting for a batch to fill); only commits are shared, because on a real server each commit is a
 * log flush and one per mail would cost more than the SMTP send itself.
 *
 * A mark that fails is not dropped: a mail that went out must be recorded, or it is sent again. From the
 * first failed mark on the marker says so (`failed`: the pass takes no new rows) and retries the marks
 * with short backoff until they land — after a lost connection for as long as `giveUpAfterMs` allows
 * (the daemon: until it stops), after any other error three times. Only then does a mark reject.
 */
export interface SentMarker {
  mark(row: HeldRow): Promise<void>;
  /**
   * True from the first failed mark on, also once the marks have landed again: the pass then ends (it
   * gives back what it has not sent; the next pass starts afresh). Were it to clear when the marks land,
   * workers that finished a send after that would go on taking rows and others, stopped, would not.
   */
  readonly failed: boolean;
  /** Marks recorded for rows whose claim had lapsed (see complete.ts markSent). */
  readonly late: number;
}

export interface SentMarkerOptions {
  now: () => Date;
  /** How long marks are retried after a lost connection before they reject; default one minute. */
  giveUpAfterMs?: number;
  /** Stops the retries (shutdown): waiting marks reject at once. */
  signal?: AbortSignal;
}

const OTHER_ERROR_TRIES = 3;
/** Failed marks are tried again at least this often (daemon/mailWorker.ts's reaper grace counts on it). */
export const MARK_RETRY_MAX_MS = 2000;

export function createSentMarker(db: Db, options: SentMarkerOptions): SentMarker {
  let waiting: Array<{ row: HeldRow; resolve: () => void; reject: (err: unknown) => void }> = [];
  let flushing: Promise<void> | null = null;
  let failed = false;
  let late = 0;
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;

  const flush = async (): Promise<void> => {
    let failures = 0;
    let failingSince = 0;
    while (waiting.length) {
      const group = waiting;
      waiting = [];
      try {
        const marks = await markSent(
          db,
          group.map((g) => g.row),
          options.now(),
        );
        late += marks.late;
        failures = 0;
        group.forEach((g) => g.resolve());
      } catch (err) {
        failed = true;
        failures++;
        failingSince ||= Date.now();
        const giveUp =
          options.signal?.aborted ||
          (isConnectionError(err)
            ? Date.now() - failingSince >= giveUpAfterMs
            : failures >= OTHER_ERROR_TRIES);
        if (giveUp) {
          group.forEach((g) => g.reject(err));
          continue;
        }
        // Back in front of the line; marks that arrived meanwhile join the next try.
        waiting = [...group, ...waiting];
        await sleep(backoffDelay(failures, { baseMs: 200, maxMs: MARK_RETRY_MAX_MS }), undefined, {
          signal: options.signal,
        }).catch(() => undefined);
      }
    }
    flushing = null;
  };

  return {
    mark(row) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ row, resolve, reject });
        flushing ??= flush();
      });
    },
    get failed() {
      return failed;
    },
    get late() {
      return late;
    },
  };
}
