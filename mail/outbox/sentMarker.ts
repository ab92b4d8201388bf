import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../../core/backoff';
import { Clock } from '../../core/clock';
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
  /** A long-lived clock (deps.clock): see Marker below. */
  clock: Clock;
  /** How long marks are retried after a lost connection before they reject; default one minute. */
  giveUpAfterMs?: number;
  /** Stops the retries (shutdown): waiting marks reject at once. */
  signal?: AbortSignal;
}

const OTHER_ERROR_TRIES = 3;
/** Failed marks are tried again at least this often (daemon/mailWorker.ts's reaper grace counts on it). */
export const MARK_RETRY_MAX_MS = 2000;

interface Waiting {
  row: HeldRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function createSentMarker(db: Db, options: SentMarkerOptions): SentMarker {
  return new Marker(db, options);
}

/**
 * A class, not closures made per pass: mark() runs for every mail and V8 inlines it into the sender's
 * optimised code, which closures of a finished pass would invalidate once collected (claimBook.ts).
 */
class Marker implements SentMarker {
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;
  private failedOnce = false;
  private lateCount = 0;
  // Numbers start as numbers (see sendSlots.ts).
  private readonly giveUpAfterMs: number = 0;

  constructor(
    private readonly db: Db,
    private readonly options: SentMarkerOptions,
  ) {
    this.giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  }

  mark(row: HeldRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  get failed(): boolean {
    return this.failedOnce;
  }

  get late(): number {
    return this.lateCount;
  }

  private async flush(): Promise<void> {
    let failures = 0;
    let failingSince = 0;
    while (this.waiting.length) {
      const group = this.waiting;
      this.waiting = [];
      try {
        const marks = await markSent(
          this.db,
          group.map((g) => g.row),
          this.options.clock.now(),
        );
        this.lateCount += marks.late;
        // Landed: a later failure starts a run of its own, with its own giveUpAfterMs (a busy sender's
        // flush can go on for minutes, past any earlier blip).
        failures = 0;
        failingSince = 0;
        group.forEach((g) => g.resolve());
      } catch (err) {
        this.failedOnce = true;
        failures++;
        failingSince ||= Date.now();
        const giveUp =
          this.options.signal?.aborted ||
          (isConnectionError(err)
            ? Date.now() - failingSince >= this.giveUpAfterMs
            : failures >= OTHER_ERROR_TRIES);
        if (giveUp) {
          group.forEach((g) => g.reject(err));
          continue;
        }
        // Back in front of the line; marks that arrived meanwhile join the next try.
        this.waiting = [...group, ...this.waiting];
        await sleep(backoffDelay(failures, { baseMs: 200, maxMs: MARK_RETRY_MAX_MS }), undefined, {
          signal: this.options.signal,
        }).catch(() => undefined);
      }
    }
    this.flushing = null;
  }
}
