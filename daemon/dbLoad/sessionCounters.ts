import { Db, RawConnection } from '../../core/db';
import { rawRows } from '../../core/rawRows';

/**
 * What one connection cost the server, from its own session status counters:
 * - `statements`: `Questions` (every statement the client sent, BEGIN and COMMIT included),
 * - `rowsExamined`: the sum of the `Handler_read_*` counters, the rows the storage engine handed to the
 *   executor (the definition bench/serverLoad.ts uses for the server as a whole). `Innodb_rows_read` has
 *   no session value on MariaDB (MySQL shows the global one there), so it cannot be split per worker;
 * - `bytesReceived` / `bytesSent`: the session's `Bytes_sent` / `Bytes_received`, seen from the daemon.
 */
export interface DbLoad {
  statements: number;
  rowsExamined: number;
  bytesReceived: number;
  bytesSent: number;
}

export const NO_LOAD: Readonly<DbLoad> = Object.freeze({
  statements: 0,
  rowsExamined: 0,
  bytesReceived: 0,
  bytesSent: 0,
});

/** The counters whose sum is "rows examined" (bench/serverLoad.ts sums their global values). */
export const HANDLER_READS: readonly string[] = [
  'Handler_read_first',
  'Handler_read_key',
  'Handler_read_last',
  'Handler_read_next',
  'Handler_read_prev',
  'Handler_read_rnd',
  'Handler_read_rnd_deleted',
  'Handler_read_rnd_next',
];

/** One statement for all of them: one round trip per connection read, not one per counter. */
export const SESSION_STATUS_SQL = `SHOW SESSION STATUS WHERE Variable_name IN (${[
  ...HANDLER_READS,
  'Questions',
  'Bytes_sent',
  'Bytes_received',
]
  .map((name) => `'${name}'`)
  .join(', ')})`;

export function parseSessionStatus(rows: Array<{ Variable_name: string; Value: string }>): DbLoad {
  const value = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), Number(r.Value)]));
  const get = (name: string): number => value.get(name.toLowerCase()) ?? 0;
  return {
    statements: get('Questions'),
    rowsExamined: HANDLER_READS.reduce((sum, name) => sum + get(name), 0),
    bytesReceived: get('Bytes_sent'),
    bytesSent: get('Bytes_received'),
  };
}

/** Reads the counters on this very connection, past the pool (it may be busy with its worker's work). */
export function readConnectionLoad(conn: RawConnection): Promise<DbLoad> {
  return new Promise((resolve, reject) => {
    try {
      conn.query(SESSION_STATUS_SQL, (err, rows) =>
        err
          ? reject(err)
          : resolve(parseSessionStatus(rows as Array<{ Variable_name: string; Value: string }>)),
      );
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

export function addLoad(a: DbLoad, b: DbLoad): DbLoad {
  return {
    statements: a.statements + b.statements,
    rowsExamined: a.rowsExamined + b.rowsExamined,
    bytesReceived: a.bytesReceived + b.bytesReceived,
    bytesSent: a.bytesSent + b.bytesSent,
  };
}

/** `a - b`, never below zero (the read's own cost taken off an interval in which nothing else ran). */
export function subtractLoad(a: DbLoad, b: DbLoad): DbLoad {
  return {
    statements: Math.max(0, a.statements - b.statements),
    rowsExamined: Math.max(0, a.rowsExamined - b.rowsExamined),
    bytesReceived: Math.max(0, a.bytesReceived - b.bytesReceived),
    bytesSent: Math.max(0, a.bytesSent - b.bytesSent),
  };
}

/**
 * What one read of the counters costs as the next read sees it (its statement, its bytes, any rows the
 * status walk touches): two reads with nothing between them on one connection, measured once per daemon.
 */
export async function measureReadCost(db: Db): Promise<DbLoad> {
  return db.transaction(async (trx) => {
    const read = async (): Promise<DbLoad> => {
      const rows = await rawRows<{ Variable_name: string; Value: string }>(trx, SESSION_STATUS_SQL);
      return parseSessionStatus(rows);
    };
    const first = await read();
    return subtractLoad(await read(), first);
  });
}
