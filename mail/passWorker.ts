import { ClaimedRow } from '../store/outbox/outboxRow';
import { deliver, DeliveryContext, Outcome } from './deliver';
import { ClaimFeeder } from './outbox/claimFeeder';

/** What a pass's workers share: how rows are delivered and what they add up to. */
export interface PassWork {
  delivery: DeliveryContext;
  /** Outcomes by kind ('unsent' rows go to `unsent` instead). */
  counts: Record<Exclude<Outcome, 'unsent'>, number>;
  /** Mails this pass finished so far (the claim size follows it). */
  finished: number;
  /** Claimed rows not sent: given back at the end of the pass. */
  unsent: ClaimedRow[];
  /** Each sent mail's 'sent' mark, awaited at the end of the pass. */
  marks: Array<Promise<void>>;
  signal?: AbortSignal;
}

/** The pass takes no new rows once a 'sent' mark failed or it was told to stop. */
export function stopping(work: PassWork): boolean {
  return work.delivery.marker.failed || Boolean(work.signal?.aborted);
}

/**
 * One worker of a pass: takes the next claimed row and delivers it, until none is left or the pass
 * stops. A function of the pass's state, not a closure made in each pass: V8 optimised every pass's
 * new closure again from scratch (tens of compiles a pass, at the bench's 1,000 mails a pass a good
 * share of the sender's CPU), while one function stays optimised for the life of the process.
 */
export async function passWorker(work: PassWork, feeder: ClaimFeeder): Promise<void> {
  while (!stopping(work)) {
    const row = await feeder.next();
    if (!row) return;
    if (stopping(work)) {
      work.unsent.push(row);
      return;
    }
    const { outcome, marked } = await deliver(row, work.delivery);
    work.finished++;
    if (outcome === 'unsent') work.unsent.push(row);
    else work.counts[outcome]++;
    if (marked) {
      // Handled now, read at the end: a mark that fails for good while mails are still going out
      // must not be an unhandled rejection (which ends the process) in the meantime.
      marked.catch(ignore);
      work.marks.push(marked);
    }
  }
}

function ignore(): void {}
