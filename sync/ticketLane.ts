/**
 * The ticket phase of a pass runs alongside its message phase, each on its own pooled connection: the
 * server works on a batch of each at once while Node prepares the next (a backfill is CPU-bound on both
 * sides). A message batch must not get ahead of its tickets, so before it starts it waits until the
 * ticket phase has mirrored up to the highest ticket ID the batch names, or has ended. Waiting, rather
 * than stopping at the first message whose ticket is missing, keeps every message batch what it is when
 * the phases run one after the other (the same rows, the same tickets already mirrored), so the mirror
 * does not depend on timing.
 */
export class TicketLane {
  private running = false;
  private waiters: Array<{ upTo: number; resolve: () => void }> = [];

  /** `reached`: the ticket cursor when the pass started. */
  constructor(private reached: number) {}

  /** Whether the ticket phase is running now. */
  get active(): boolean {
    return this.running;
  }

  /** Runs the ticket phase; `onFailure` is called before its error is passed on (to stop the other phase). */
  async run(phase: () => Promise<void>, onFailure: () => void): Promise<void> {
    this.running = true;
    try {
      await phase();
    } catch (err) {
      onFailure();
      throw err;
    } finally {
      this.running = false;
      this.release(() => true);
    }
  }

  /** The ticket phase committed a batch: tickets up to `cursor` are mirrored. */
  reach(cursor: number): void {
    this.reached = Math.max(this.reached, cursor);
    this.release((upTo) => upTo <= this.reached);
  }

  /** Resolves once tickets up to `ticketId` are mirrored, or at once when the ticket phase is not running. */
  until(ticketId: number): Promise<void> {
    if (!this.running || ticketId <= this.reached) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: ticketId, resolve }));
  }

  private release(due: (upTo: number) => boolean): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (due(waiter.upTo)) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
}
