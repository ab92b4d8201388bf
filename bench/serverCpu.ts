import { readFileSync } from 'node:fs';
import { Db } from '../core/db';
import { rawRows } from '../core/rawRows';

/**
 * The CPU time the database server process has used so far, in milliseconds, when it runs on this
 * machine (the private mariadbd does): read from /proc through the server's pid file. On a shared
 * machine wall time moves with whatever else runs; the CPU the server spent on a piece of work moves
 * much less, so the sync benchmark prints both. Null when the server is elsewhere or /proc is not there.
 */
const TICKS_PER_SECOND = 100; // USER_HZ: what /proc/<pid>/stat counts in on Linux

export type ServerCpu = () => number | null;

export async function serverCpuClock(db: Db): Promise<ServerCpu> {
  const rows = await rawRows<{ f: string | null }>(db, 'SELECT @@pid_file AS f');
  let pid: string;
  try {
    pid = readFileSync(String(rows[0].f), 'utf8').trim();
  } catch {
    return () => null;
  }
  return () => {
    try {
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    } catch {
      return null;
    }
  };
}
