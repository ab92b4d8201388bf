import { readDaemonLoads } from '../daemon/dbLoad/daemonLoads';
import { RecentLoad } from '../daemon/dbLoad/loadWindow';
import { StatusCollector } from './section';

/** A daemon's figures count as current for as long as syncSection calls its heartbeat alive. */
const MIN_STALE_MS = 60_000;

/**
 * What each running daemon's workers cost the database over the last minute, as their heartbeats wrote
 * it: statements sent and rows the server examined for them (and bytes, in --json). Information only:
 * a busy database is not an unhealthy bridge; the reader compares the figures with the site's traffic.
 */
export const dbLoadSection: StatusCollector = async ({ db, config, now }) => {
  const staleAfterMs = Math.max(MIN_STALE_MS, 10 * config.sync.pollIntervalMs);
  const daemons = await readDaemonLoads(db, now, staleAfterMs);
  return {
    key: 'dbLoad',
    data: {
      daemons: daemons.map((d) => ({
        instanceId: d.instanceId,
        host: d.host,
        pid: d.pid,
        seconds: d.load.seconds,
        workers: d.load.workers,
      })),
    },
    lines: daemons.map((d) => [
      'database load',
      `${describeWindow(d.load)} (${d.host} pid ${d.pid}): ${describeWorkers(d.load)}`,
    ]),
    problems: [],
  };
};

function describeWindow(load: RecentLoad): string {
  return load.seconds >= 60 ? 'last minute' : `last ${load.seconds} s`;
}

function describeWorkers(load: RecentLoad): string {
  const parts = Object.entries(load.workers).map(
    ([worker, w]) =>
      `${worker} ${w.statements} statement${w.statements === 1 ? '' : 's'}, ${w.rowsExamined} rows examined, ${bytes(w.bytesReceived)} received`,
  );
  return parts.length ? parts.join('; ') : 'no workers';
}

function bytes(n: number): string {
  if (n >= 10 * 1_048_576) return `${Math.round(n / 1_048_576)} MB`;
  return n >= 10_240 ? `${Math.round(n / 1024)} kB` : `${n} B`;
}
