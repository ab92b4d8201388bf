import { EventEmitter } from 'node:events';
import { Clock } from '../core/clock';
import { Config } from '../config/config';
import { Db } from '../core/db';
import { Logger } from '../core/logger';
import { createRowBudget, RowBudget } from '../core/rowBudget';
import { KeptLock } from '../core/dbLock';
import { createCapabilitiesCache } from '../sync/capabilitiesCache';
import { openSweepFor } from '../sync/openSweep';
import { reconcilePaceFor } from '../sync/reconcilePace';
import { syncOnce } from '../sync/syncOnce';
import { SyncEventMap, SyncPassResult } from '../sync/types';
import { PeriodicTask } from './periodicTask';
import { DaemonWorker } from './worker';
import { WorkerHealth } from './workerHealth';
import { refreshAfterSync } from '../escalator/state/refreshAfterSync';

export interface SyncWorkerDeps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  zone: string;
  /** After each pass: the daemon counts metrics. */
  onPass?: (result: SyncPassResult) => void;
  /**
   * As soon as a batch that queued outbox rows committed, mid-pass: the daemon wakes the mail sender,
   * which would otherwise wait for the rest of the pass (the open-set comparison, the SLA refresh).
   */
  onEventsQueued?: () => void;
  health?: WorkerHealth;
  /** db.maxRowsPerSecond for the worker's sweeps; the daemon shares one with the escalation worker. */
  rowBudget?: RowBudget;
  /** Of several daemons, which one reconciles (sync/types.ts); given up when the worker stops. */
  reconcileTurn?: KeptLock;
}

/**
 * The sync poller: a pass every sync.pollIntervalMs. Stopping aborts between batches, so the batch in
 * flight commits (or rolls back whole) and the next start resumes from the committed cursors.
 */
export function syncWorker(deps: SyncWorkerDeps): DaemonWorker {
  const abort = new AbortController();
  const logger = deps.logger.child({ module: 'sync' });
  let fatal: ((err: unknown) => void) | undefined;
  // One budget for the life of the worker: the reconciliation's pace carries from pass to pass.
  const rowBudget = deps.rowBudget ?? createRowBudget(deps.config.db.maxRowsPerSecond);
  // A reconciliation cycle spread over sync.reconcileCycleMinutes, within that budget.
  const reconcilePace = reconcilePaceFor(deps.config);
  // Kept across passes: where the rotating comparison of the open set stands, and the capabilities.
  const openSweep = openSweepFor(deps.config.sync);
  const capabilities = createCapabilitiesCache(deps.db, deps.clock);
  const events = new EventEmitter<SyncEventMap>();
  events.on('outbox:queued', () => deps.onEventsQueued?.());
  const task = new PeriodicTask({
    name: 'sync',
    intervalMs: deps.config.sync.pollIntervalMs,
    logger,
    health: deps.health,
    onFatal: (err) => fatal?.(err),
    run: async () => {
      // syncOnce logs its own one line when a pass did something; an idle poll stays silent.
      const result = await syncOnce(
        {
          db: deps.db,
          config: deps.config,
          logger,
          clock: deps.clock,
          zone: deps.zone,
          afterPass: refreshAfterSync,
          openSweep,
          capabilities,
          events,
          rowBudget,
          reconcilePace,
          reconcileTurn: deps.reconcileTurn,
        },
        { signal: abort.signal },
      );
      deps.onPass?.(result);
    },
  });
  return {
    name: 'sync',
    start(onFatal) {
      fatal = onFatal;
      task.start();
    },
    async stop() {
      abort.abort();
      await task.stop();
      await deps.reconcileTurn?.release();
    },
  };
}
