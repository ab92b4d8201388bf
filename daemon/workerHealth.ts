import { describeError } from '../core/dbErrorText';

/**
 * Which of the daemon's workers are failing right now, and since when: their passes report each change
 * here, the heartbeat writes it into the daemon's row (bl_support_daemon.failing), and `bxsup status`
 * turns a failure that lasts into a problem. A lost database is not recorded: nothing can be written
 * then, and status sees the silent heartbeat instead.
 */
export interface WorkerFailure {
  since: string;
  error: string;
}

export interface WorkerHealth {
  failed(worker: string, err: unknown, at: Date): void;
  recovered(worker: string): void;
  /** The failing workers, for the heartbeat row; null when none. */
  snapshot(): Record<string, WorkerFailure> | null;
}

export function createWorkerHealth(): WorkerHealth {
  const failing = new Map<string, WorkerFailure>();
  return {
    failed(worker, err, at) {
      const error = describeError(err, 200);
      const known = failing.get(worker);
      failing.set(worker, { since: known?.since ?? at.toISOString(), error });
    },
    recovered(worker) {
      failing.delete(worker);
    },
    snapshot() {
      return failing.size ? Object.fromEntries(failing) : null;
    },
  };
}
