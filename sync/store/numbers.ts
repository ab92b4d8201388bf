import { Knex } from 'knex';
import { rawRows, rawWrite } from '../../core/rawRows';

/**
 * Reserves `count` ticket numbers of a site-local day in one atomic statement: the row lock on the day
 * serialises two syncs, LAST_INSERT_ID(expr) hands this connection the new high-water mark without a
 * second read that another writer could race. Runs inside the batch's transaction, so a rolled-back
 * batch gives its range back together with the tickets that would have used it: no gaps from crashes,
 * and a number, once committed, is never handed out again.
 */
export async function reserveNumbers(trx: Knex.Transaction, day: string, count: number): Promise<number> {
  const result = await rawWrite(
    trx,
    `INSERT INTO bl_support_ticket_number_day (day, last_seq) VALUES (?, LAST_INSERT_ID(?))
     ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + ?)`,
    [day, count, count],
  );
  // The OK packet carries LAST_INSERT_ID(expr); ask for it only if a driver leaves it out.
  if (result.insertId) return Number(result.insertId);
  const rows = await rawRows<{ last: number }>(trx, 'SELECT LAST_INSERT_ID() AS last');
  return Number(rows[0].last);
}

export async function reserveNumbersByDay(
  trx: Knex.Transaction,
  counts: Map<string, number>,
): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  // Days in a fixed order: two writers lock the day rows in the same order and cannot deadlock.
  for (const day of [...counts.keys()].sort())
    last.set(day, await reserveNumbers(trx, day, counts.get(day)!));
  return last;
}
