import { Db } from '../core/db';
import { instantToUtc, utcToInstant } from '../core/time';

/**
 * bl_support_daemon: one row per running daemon, rewritten by its heartbeat (daemon/heartbeat.ts).
 * `bxsup status` reads it to tell whether a daemon is alive and which of its workers keep failing,
 * uninstall to refuse pulling the tables from under one, the mail reaper to tell a live claim holder
 * from a dead one, and the db-load section for what each daemon's workers cost the database.
 */
export const DAEMON_TABLE = 'bl_support_daemon';

/** How often a daemon rewrites its row: readers allow for it before they call a daemon silent. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

export interface Heartbeat {
  instanceId: string;
  host: string;
  pid: number;
  version: string;
  startedAt: Date;
  /** The failing workers (daemon/workerHealth.ts), written as JSON; null when none. */
  failing: unknown;
  /** The workers' database load over the last minute, as JSON; undefined leaves the column as it is. */
  load?: unknown;
}

/** Inserts or refreshes this daemon's row (its start and identity are written once). */
export async function writeHeartbeat(db: Db, beat: Heartbeat, now: Date): Promise<void> {
  const withLoad = beat.load !== undefined;
  await db(DAEMON_TABLE)
    .insert({
      instance_id: beat.instanceId,
      host: beat.host,
      pid: beat.pid,
      version: beat.version,
      started_at: instantToUtc(beat.startedAt),
      heartbeat_at: instantToUtc(now),
      failing: beat.failing ? JSON.stringify(beat.failing) : null,
      ...(withLoad ? { db_load: JSON.stringify(beat.load) } : {}),
    })
    .onConflict('instance_id')
    .merge(['heartbeat_at', 'failing', ...(withLoad ? ['db_load'] : [])]);
}

/** Removes the rows of daemons whose last heartbeat is older than `before`. */
export async function forgetSilentDaemons(db: Db, before: Date): Promise<void> {
  await db(DAEMON_TABLE).where('heartbeat_at', '<', instantToUtc(before)).delete();
}

/** The other daemons recorded for `host` (their processes may be gone). */
export async function otherDaemonsOfHost(
  db: Db,
  host: string,
  self: string,
): Promise<Array<{ instanceId: string; pid: number }>> {
  const rows = (await db(DAEMON_TABLE)
    .where('host', host)
    .whereNot('instance_id', self)
    .select('instance_id', 'pid')) as Array<{ instance_id: string; pid: number }>;
  return rows.map((r) => ({ instanceId: r.instance_id, pid: Number(r.pid) }));
}

export async function forgetDaemons(db: Db, instanceIds: readonly string[]): Promise<void> {
  if (instanceIds.length)
    await db(DAEMON_TABLE)
      .whereIn('instance_id', instanceIds as string[])
      .delete();
}

export interface LiveDaemon {
  instanceId: string;
  host: string;
  pid: number;
  ageMs: number;
}

/** Daemons whose heartbeat is recent (uninstall refuses to pull the tables from under them). */
export async function liveDaemons(db: Db, now: Date, staleAfterMs = 60_000): Promise<LiveDaemon[]> {
  const rows = (await db(DAEMON_TABLE)
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

export interface DaemonRecord {
  instanceId: string;
  host: string;
  pid: number;
  startedAt: Date | null;
  heartbeatAt: Date | null;
  /** The `failing` JSON as written; null without one (or in a schema from before the column). */
  failing: string | null;
}

/** Every recorded daemon, the latest heartbeat first. `withFailing`: the schema has the column. */
export async function listDaemons(db: Db, options: { withFailing: boolean }): Promise<DaemonRecord[]> {
  const rows = (await db(DAEMON_TABLE)
    .orderBy('heartbeat_at', 'desc')
    .select(
      'instance_id',
      'host',
      'pid',
      'started_at',
      'heartbeat_at',
      ...(options.withFailing ? ['failing'] : []),
    )) as Array<{
    instance_id: string;
    host: string;
    pid: number;
    started_at: string;
    heartbeat_at: string;
    failing?: string | null;
  }>;
  return rows.map((d) => ({
    instanceId: d.instance_id,
    host: d.host,
    pid: Number(d.pid),
    startedAt: utcToInstant(d.started_at),
    heartbeatAt: utcToInstant(d.heartbeat_at),
    failing: d.failing ?? null,
  }));
}

/** The db_load JSON of each daemon with a heartbeat since `since`, oldest daemon first. */
export async function recentDbLoads(
  db: Db,
  since: Date,
): Promise<Array<{ instanceId: string; host: string; pid: number; dbLoad: string }>> {
  const rows = (await db(DAEMON_TABLE)
    .where('heartbeat_at', '>=', instantToUtc(since))
    .whereNotNull('db_load')
    .orderBy('started_at')
    .orderBy('instance_id')
    .select('instance_id', 'host', 'pid', 'db_load')) as Array<{
    instance_id: string;
    host: string;
    pid: number;
    db_load: string;
  }>;
  return rows.map((r) => ({
    instanceId: r.instance_id,
    host: r.host,
    pid: Number(r.pid),
    dbLoad: r.db_load,
  }));
}
