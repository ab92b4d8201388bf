import { Knex } from 'knex';

/** A column of the derived table, cast so that the first row fixes its type. */
export interface JoinedColumn {
  name: string;
  cast: 'SIGNED' | 'DATETIME' | 'CHAR';
}

/**
 * Column updates for many rows in one statement: a derived table of (id, values) joined on the
 * primary key (alias `t` for the table, `v` for the values). UNION ALL SELECT rather than VALUES rows,
 * which MySQL and MariaDB spell differently.
 */
export async function updateJoined(
  trx: Knex.Transaction,
  table: string,
  columns: readonly JoinedColumn[],
  rows: Array<Array<string | number | null>>,
  set: string,
): Promise<void> {
  if (rows.length === 0) return;
  const first = `SELECT CAST(? AS SIGNED) AS id, ${columns.map((c) => `CAST(? AS ${c.cast}) AS ${c.name}`).join(', ')}`;
  const rest = `SELECT ?, ${columns.map(() => '?').join(', ')}`;
  const derived = [first, ...rows.slice(1).map(() => rest)].join(' UNION ALL ');
  await trx.raw(`UPDATE ${table} t JOIN (${derived}) v ON v.id = t.id SET ${set}`, rows.flat());
}
