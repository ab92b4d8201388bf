import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Clock } from '../core/clock';
import { Db } from '../core/db';
import { Logger } from '../core/logger';
import { instantToUtc, utcToInstant } from '../core/time';
import { VERSION } from '../core/version';
import { RecentLoad } from './dbLoad/loadWindow';
import { PeriodicTask } from './periodicTask';
import { DaemonWorker } from './worker';
import { WorkerHealth } from './workerHealth';

export const HEARTBEAT_INTERVAL_MS = 10_000;

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
  const startedAt = instantToUtc(clock.now());
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
      await db('bl_support_daemon')
        .insert({
          instance_id: instanceId,
          host: hostname(),
          pid: process.pid,
          version: VERSION,
          started_at: startedAt,
          heartbeat_at: instantToUtc(now),
          failing: failing ? JSON.stringify(failing) : null,
          ...(load ? { db_load: JSON.stringify(load) } : {}),
        })
        .onConflict('instance_id')
        .merge(['heartbeat_at', 'failing', ...(load ? ['db_load'] : [])]);
      await db('bl_support_daemon')
        .where('heartbeat_at', '<', instantToUtc(new Date(now.getTime() - 86_400_000)))
        .delete();
      const neighbours = (await db('bl_support_daemon')
        .where('host', hostname())
        .whereNot('instance_id', instanceId)
        .select('instance_id', 'pid')) as Array<{ instance_id: string; pid: number }>;
      const gone = neighbours.filter((n) => !processAlive(Number(n.pid))).map((n) => n.instance_id);
      if (gone.length) await db('bl_support_daemon').whereIn('instance_id', gone).delete();
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
      await db('bl_support_daemon')
        .where('instance_id', instanceId)
        .delete()
        .catch(() => undefined);
    },
  };
}

export interface LiveDaemon {
  instanceId: string;
  host: string;
  pid: number;
  ageMs: number;
}

/** Daemons whose heartbeat is recent (uninstall refuses to pull the tables from under them). */
export async function liveDaemons(db: Db, now: Date, staleAfterMs = 60_000): Promise<LiveDaemon[]> {
  const rows = (await db('bl_support_daemon')
    .where('heartbeat_at', '>=', instantToUtc(new Date(now.getTime() - staleAfterMs)))
    .orderBy('heartbeat_at', 'desc')
    .select('instance_id', 'host', 'pid', 'heartbeat_at')) as Array<{
    instance_id: string;
    host: string;
    pid: number;
    heartbeat_at: string;
  }>;
  return rows.map((r) => ({
    instanceId: r.instance_id,
    host: r.host,
    pid: Number(r.pid),
    ageMs: Math.max(0, now.getTime() - (utcToInstant(r.heartbeat_at)?.getTime() ?? 0)),
  }));
}
