import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { OUTBOX_TABLE } from './outboxRow';

/**
 * Marks rows 'sent' as soon as their mail is accepted, coalescing the marks that arrive while one
 * UPDATE is in flight into the next one. Every mark still starts right after its send (no timer, no
 * waiting for a batch to fill); only commits are shared, because on a real server each commit is a
 * log flush and one per mail would cost more than the SMTP send itself. Like markSent(), the update
 * applies even if a reaper has meanwhile handed the row out again.
 */
export interface SentMarker {
  mark(id: number): Promise<void>;
}

export function createSentMarker(db: Db, now: () => Date): SentMarker {
  let waiting: Array<{ id: number; resolve: () => void; reject: (err: unknown) => void }> = [];
  let flushing: Promise<void> | null = null;

  const flush = async (): Promise<void> => {
    while (waiting.length) {
      const group = waiting;
      waiting = [];
      try {
        await db(OUTBOX_TABLE)
          .whereIn(
            'id',
            group.map((g) => g.id),
          )
          .whereIn('state', ['pending', 'sending'])
          .update({
            state: 'sent',
            sent_at: instantToUtc(now()),
            claimed_by: null,
            claimed_at: null,
            last_error: null,
          });
        group.forEach((g) => g.resolve());
      } catch (err) {
        group.forEach((g) => g.reject(err));
      }
    }
    flushing = null;
  };

  return {
    mark(id) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ id, resolve, reject });
        flushing ??= flush();
      });
    },
  };
}
