import { Db } from '../../core/db';

/**
 * The rows this session's connection made the server examine so far (the sum of its Handler_read_*
 * counters). Meaningful on a one-connection pool: every statement then runs on that session.
 */
export async function sessionRowsExamined(db: Db): Promise<number> {
  const [rows] = (await db.raw("SHOW SESSION STATUS LIKE 'Handler_read%'")) as unknown as [
    Array<{ Value: string }>,
  ];
  return rows.reduce((sum, r) => sum + Number(r.Value), 0);
}
