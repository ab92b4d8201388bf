/**
 * Where the daemon's rotating comparison of the open set stands, kept in memory by one process across
 * its passes: a poll compares a window of the known-open tickets after `position` instead of all of
 * them, sized so the whole set is compared within sync.openSweepSeconds. In memory on purpose: saving
 * the position in the cursor table would make every idle poll write. A second daemon keeps its own
 * position (each sweeps the set: twice the reads, still bounded); a restart starts a new cycle.
 */
export interface OpenSweepOptions {
  /** Every open ticket is compared at least once within this time. */
  sweepMs: number;
  pollMs: number;
  /** Smallest window: a site with no more open tickets than this compares all of them every poll. */
  minWindow: number;
  /** Largest window: past sweepMs / pollMs × maxWindow open tickets a cycle takes longer than sweepMs. */
  maxWindow: number;
}

export class OpenSweep {
  /** The last ticket ID compared in this cycle (0: a cycle starts). */
  position = 0;
  private cycleStartedMs: number | null = null;
  private seen = 0;
  /** Open tickets the last finished cycle saw (or a count, before the first cycle ends). */
  private estimate: number | null = null;

  constructor(readonly options: OpenSweepOptions) {}

  /** True until the sweep knows about how many tickets are open (the caller counts them once). */
  get needsEstimate(): boolean {
    return this.estimate === null;
  }

  setEstimate(open: number): void {
    this.estimate = open;
  }

  /** How many open tickets this poll compares. */
  windowAt(nowMs: number): number {
    if (this.cycleStartedMs === null) this.cycleStartedMs = nowMs;
    return sweepWindow({
      remaining: (this.estimate ?? 0) - this.seen,
      msLeft: this.cycleStartedMs + this.options.sweepMs - nowMs,
      ...this.options,
    });
  }

  /**
   * After a window was compared: `tail`, the tickets read after `position` (fewer than asked: the set
   * ended there, and the cycle with it), and `head`, those then read from the start of the set to fill
   * the window (null when the set did not end), which begin the next cycle.
   */
  moveOn(window: { tail: WindowPart; head: WindowPart | null }, nowMs: number): void {
    if (!window.head) {
      this.seen += window.tail.count;
      this.position = window.tail.lastId;
      return;
    }
    this.estimate = this.seen + window.tail.count;
    this.seen = window.head.count;
    this.position = window.head.lastId;
    this.cycleStartedMs = nowMs;
  }
}

export interface WindowPart {
  count: number;
  /** The highest ID read (0 when none). */
  lastId: number;
}

/**
 * The window that leaves the polls still to come in this cycle an even share of the open tickets not
 * yet compared, keeping one poll in hand (a pass takes time too, and a poll may run late): when the
 * open set grew or polls ran late, the last windows of a cycle grow (up to maxWindow) rather than the
 * cycle overrunning.
 */
export function sweepWindow(input: {
  remaining: number;
  msLeft: number;
  pollMs: number;
  minWindow: number;
  maxWindow: number;
}): number {
  const pollsLeft = Math.max(1, Math.floor(input.msLeft / input.pollMs) - 1);
  const even = Math.ceil(Math.max(0, input.remaining) / pollsLeft);
  return Math.min(input.maxWindow, Math.max(input.minWindow, even));
}

/**
 * The daemon's sweep for its sync settings: windows of sync.batchSize up to ten times that (2 s polls,
 * 60 s, a poll kept in hand: every open ticket each minute up to some 290,000 open; past that, cycles
 * take longer).
 */
export function openSweepFor(sync: {
  openSweepSeconds: number;
  pollIntervalMs: number;
  batchSize: number;
}): OpenSweep {
  return new OpenSweep({
    sweepMs: sync.openSweepSeconds * 1000,
    pollMs: sync.pollIntervalMs,
    minWindow: sync.batchSize,
    maxWindow: sync.batchSize * 10,
  });
}
