import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { columnExists, tableExists } from '../../schema/migrator';
import { RecentLoad } from './loadWindow';
import { DbLoad } from './sessionCounters';

export interface DaemonLoad {
  instanceId: string;
  host: string;
  pid: number;
  load: RecentLoad;
}

/**
 * The last minute's database load of each daemon whose heartbeat is recent, as its heartbeat wrote it
 * (daemon/heartbeat.ts writes bl_support_daemon.db_load). A schema from before the column, or a row
 * without figures (a daemon of an older bxsup), gives nothing.
 */
export async function readDaemonLoads(db: Db, now: Date, staleAfterMs: number): Promise<DaemonLoad[]> {
  if (!(await tableExists(db, 'bl_support_daemon'))) return [];
  if (!(await columnExists(db, 'bl_support_daemon', 'db_load'))) return [];
  const rows = (await db('bl_support_daemon')
    .where('heartbeat_at', '>=', instantToUtc(new Date(now.getTime() - staleAfterMs)))
    .whereNotNull('db_load')
    .orderBy('started_at')
    .orderBy('instance_id')
    .select('instance_id', 'host', 'pid', 'db_load')) as Array<{
    instance_id: string;
    host: string;
    pid: number;
    db_load: string;
  }>;
  return rows.flatMap((r) => {
    const load = parseLoad(r.db_load);
    return load ? [{ instanceId: r.instance_id, host: r.host, pid: Number(r.pid), load }] : [];
  });
}

function parseLoad(text: string): RecentLoad | null {
  try {
    const parsed = JSON.parse(text) as Partial<RecentLoad> | null;
    if (!parsed || typeof parsed.seconds !== 'number' || !parsed.workers) return null;
    const workers: Record<string, DbLoad> = {};
    for (const [name, w] of Object.entries(parsed.workers)) {
      workers[name] = {
        statements: Number(w?.statements ?? 0),
        rowsExamined: Number(w?.rowsExamined ?? 0),
        bytesReceived: Number(w?.bytesReceived ?? 0),
        bytesSent: Number(w?.bytesSent ?? 0),
      };
    }
    return { seconds: parsed.seconds, workers };
  } catch {
    return null;
  }
}
