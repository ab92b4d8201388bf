import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Clock } from '../core/clock';
import { Db } from '../core/db';
import { Logger } from '../core/logger';
import { VERSION } from '../core/version';
import {
  HEARTBEAT_INTERVAL_MS,
  forgetDaemons,
  forgetSilentDaemons,
  otherDaemonsOfHost,
  writeHeartbeat,
} from '../store/daemons';
import { RecentLoad } from './dbLoad/loadWindow';
import { PeriodicTask } from './periodicTask';
import { DaemonWorker } from './worker';
import { WorkerHealth } from './workerHealth';

/** Whether a process of this host runs under `pid` (one of another user counts: it exists). */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function newInstanceId(): string {
  // At most 64 + 1 + 7 + 1 + 6 characters: claim tokens (VARCHAR(128)) start with it.
  return `${hostname().slice(0, 64)}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Writes this daemon's row in bl_support_daemon every few seconds, so `bxsup status` can tell whether a
 * daemon is alive, which hosts run one, and which of its workers keep failing (`failing`, from the
 * workers' health). A live heartbeat also keeps this daemon's mail claims from being reaped. Rows of
 * daemons silent for a day are pruned, and so at once are rows of this host whose process is gone (a
 * daemon killed and restarted by systemd): this daemon supersedes them, `bxsup status` no longer
 * counts them, and the mail they held is handed out as soon as its claims lapse. With `recentLoad`, the
 * row also carries what the daemon's workers cost the database over the last minute (db_load).
 */
export function heartbeatWorker(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  health?: WorkerHealth;
  /** The workers' database load over the last minute, read just before each beat. */
  recentLoad?: (now: Date) => Promise<RecentLoad>;
}): DaemonWorker {
  const { db, clock, instanceId } = deps;
  const startedAt = clock.now();
  let fatal: ((err: unknown) => void) | undefined;
  const task = new PeriodicTask({
    name: 'heartbeat',
    intervalMs: HEARTBEAT_INTERVAL_MS,
    logger: deps.logger,
    onFatal: (err) => fatal?.(err),
    run: async () => {
      const failing = deps.health?.snapshot() ?? null;
      const now = clock.now();
      const load = deps.recentLoad ? await deps.recentLoad(now) : undefined;
      await writeHeartbeat(
        db,
        { instanceId, host: hostname(), pid: process.pid, version: VERSION, startedAt, failing, load },
        now,
      );
      await forgetSilentDaemons(db, new Date(now.getTime() - 86_400_000));
      const neighbours = await otherDaemonsOfHost(db, hostname(), instanceId);
      await forgetDaemons(
        db,
        neighbours.filter((n) => !processAlive(n.pid)).map((n) => n.instanceId),
      );
    },
  });
  return {
    name: 'heartbeat',
    start(onFatal) {
      fatal = onFatal;
      task.start();
    },
    async stop() {
      await task.stop();
      await forgetDaemons(db, [instanceId]).catch(() => undefined);
    },
  };
}
