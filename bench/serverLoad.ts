import { performance } from 'node:perf_hooks';
import { Db } from '../core/db';
import { HANDLER_READS } from '../daemon/dbLoad/sessionCounters';
import { rawRows } from '../core/rawRows';

/**
 * What a piece of work cost the database server, read from the server's own global counters before and
 * after it: the statements clients sent, the rows the storage engines handed to the executor (the sum of
 * the Handler_read_* counters, what "rows examined" means here), InnoDB's rows read, the pages InnoDB had
 * to read from disk (not in its buffer pool), and the bytes sent.
 *
 * Global counters see every client, so a benchmark measures on its own throwaway server with nothing else
 * connected. Reading the counters costs something itself (a SHOW GLOBAL STATUS is a statement and walks
 * the status variables); that cost is measured once by two snapshots with nothing between, and taken off.
 */
export interface ServerLoad {
  ms: number;
  statements: number;
  rowsExamined: number;
  innodbRowsRead: number;
  pagesReadFromDisk: number;
  bytesSent: number;
}

type Counters = Omit<ServerLoad, 'ms'>;

async function snapshot(db: Db): Promise<Counters> {
  const rows = await rawRows<{ Variable_name: string; Value: string }>(db, 'SHOW GLOBAL STATUS');
  const value = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), Number(r.Value)]));
  const get = (name: string) => value.get(name.toLowerCase()) ?? 0;
  return {
    statements: get('Questions'),
    rowsExamined: HANDLER_READS.reduce((sum, name) => sum + get(name), 0),
    innodbRowsRead: get('Innodb_rows_read'),
    pagesReadFromDisk: get('Innodb_buffer_pool_reads'),
    bytesSent: get('Bytes_sent'),
  };
}

function minus(a: Counters, b: Counters): Counters {
  return {
    statements: a.statements - b.statements,
    rowsExamined: a.rowsExamined - b.rowsExamined,
    innodbRowsRead: a.innodbRowsRead - b.innodbRowsRead,
    pagesReadFromDisk: a.pagesReadFromDisk - b.pagesReadFromDisk,
    bytesSent: a.bytesSent - b.bytesSent,
  };
}

/** Measures `work` on the server `db` talks to; `db` should be the only client of that server. */
export async function measureServerLoad(db: Db, work: () => Promise<unknown>): Promise<ServerLoad> {
  const cost = await ownCost(db);
  const before = await snapshot(db);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const spent = minus(await snapshot(db), before);
  return {
    ms,
    statements: Math.max(0, spent.statements - cost.statements),
    rowsExamined: Math.max(0, spent.rowsExamined - cost.rowsExamined),
    innodbRowsRead: Math.max(0, spent.innodbRowsRead - cost.innodbRowsRead),
    pagesReadFromDisk: Math.max(0, spent.pagesReadFromDisk - cost.pagesReadFromDisk),
    bytesSent: Math.max(0, spent.bytesSent - cost.bytesSent),
  };
}

/** The cost of one snapshot as the next one sees it (the statement, its status walk, its result). */
async function ownCost(db: Db): Promise<Counters> {
  const first = await snapshot(db);
  return minus(await snapshot(db), first);
}
