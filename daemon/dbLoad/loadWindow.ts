import { DbLoad, NO_LOAD, subtractLoad } from './sessionCounters';

/** What the heartbeat writes into the daemon's row: each worker's load over about the last minute. */
export interface RecentLoad {
  /** How long the figures cover: a minute or a little more, less while the daemon is younger. */
  seconds: number;
  workers: Record<string, DbLoad>;
}

interface Sample {
  at: number;
  totals: Map<string, DbLoad>;
}

/**
 * The last minute's figures from the running totals the heartbeat samples every few seconds: the
 * newest total minus the newest sample at least `windowMs` old (or the daemon's start, all zero). Pure:
 * the caller passes the time.
 */
export class LoadWindow {
  private readonly samples: Sample[];

  constructor(
    startedAt: Date,
    private readonly windowMs = 60_000,
  ) {
    this.samples = [{ at: startedAt.getTime(), totals: new Map() }];
  }

  record(now: Date, totals: Map<string, DbLoad>): RecentLoad {
    const at = now.getTime();
    this.samples.push({ at, totals: new Map(totals) });
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
    const base = this.samples[0];
    const workers: Record<string, DbLoad> = {};
    for (const [worker, total] of totals)
      workers[worker] = subtractLoad(total, base.totals.get(worker) ?? NO_LOAD);
    return { seconds: Math.max(0, Math.round((at - base.at) / 1000)), workers };
  }
}
