import { Config } from '../../config/config';
import { Db } from '../../core/db';
import { DbTarget } from '../../core/dbUrl';
import { LoadWindow, RecentLoad } from './loadWindow';
import { DbLoad, measureReadCost } from './sessionCounters';
import { createWorkerPools } from './workerPools';

/** The escalation worker's connections: a batch's transaction beside the next batch's three reads. */
export const ESCALATION_POOL_SIZE = 4;

/** How long a heartbeat waits for the load figures: a slow read must not make the daemon look dead. */
const LOAD_READ_WAIT_MS = 2000;

export interface DaemonPools {
  heartbeat: Db;
  sync: Db;
  mail: Db;
  escalation: Db;
  metrics: Db;
  /** Reads the workers' counters (before a scrape). */
  settle(): Promise<void>;
  /** The last minute's load per worker, for the heartbeat row. */
  recentLoad(now: Date): Promise<RecentLoad>;
  destroy(): Promise<void>;
}

/**
 * The daemon's workers' database pools, one each, metered (workerPools.ts). Each is sized for what its
 * worker runs at once: a transaction beside a read, the mail sender's concurrency. `db` (the start-up
 * connection) measures once what reading the counters costs.
 */
export async function openDaemonPools(deps: {
  db: Db;
  target: DbTarget;
  config: Config;
  startedAt: Date;
  onLoad: (worker: string, load: DbLoad) => void;
}): Promise<DaemonPools> {
  const pools = createWorkerPools(deps.target, {
    readCost: await measureReadCost(deps.db),
    onLoad: deps.onLoad,
  });
  const window = new LoadWindow(deps.startedAt);
  return {
    heartbeat: pools.open('heartbeat', 1),
    sync: pools.open('sync', 3),
    mail: pools.open('mail', deps.config.mail.concurrency + 2),
    escalation: pools.open('escalation', ESCALATION_POOL_SIZE),
    metrics: pools.open('metrics', 2),
    settle: () => pools.settle(),
    async recentLoad(now) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, LOAD_READ_WAIT_MS)));
      await Promise.race([pools.settle(), waited]);
      clearTimeout(timer);
      return window.record(now, pools.totals());
    },
    destroy: () => pools.destroy(),
  };
}
