import { Db } from '../../core/db';
import { rawRows } from '../../core/rawRows';

/**
 * The rows this session's connection made the server examine so far (the sum of its Handler_read_*
 * counters). Meaningful on a one-connection pool: every statement then runs on that session.
 */
export async function sessionRowsExamined(db: Db): Promise<number> {
  const rows = await rawRows<{ Value: string }>(db, "SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((sum, r) => sum + Number(r.Value), 0);
}
