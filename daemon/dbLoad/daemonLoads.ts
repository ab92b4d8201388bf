import { Db } from '../../core/db';
import { columnExists, tableExists } from '../../schema/migrator';
import { DAEMON_TABLE, recentDbLoads } from '../../store/daemons';
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
 * (daemon/heartbeat.ts writes it into the daemon's row, store/daemons.ts). A schema from before the column, or a row
 * without figures (a daemon of an older bxsup), gives nothing.
 */
export async function readDaemonLoads(db: Db, now: Date, staleAfterMs: number): Promise<DaemonLoad[]> {
  if (!(await tableExists(db, DAEMON_TABLE))) return [];
  if (!(await columnExists(db, DAEMON_TABLE, 'db_load'))) return [];
  const rows = await recentDbLoads(db, new Date(now.getTime() - staleAfterMs));
  return rows.flatMap(({ dbLoad, ...daemon }) => {
    const load = parseLoad(dbLoad);
    return load ? [{ ...daemon, load }] : [];
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
