import { Knex } from 'knex';
import { sqlValue } from './sqlValues';

/** A column of the derived table, cast so that the first row fixes its type. */
export interface JoinedColumn {
  name: string;
  cast: 'SIGNED' | 'DATETIME' | 'CHAR';
}

/**
 * The derived table of (id, values) that a joined UPDATE reads: UNION ALL SELECT rather than VALUES
 * rows, which MySQL and MariaDB spell differently; the first row's casts fix the columns' types. Each
 * row is given as its cells' SQL: `?` placeholders, or literals already made safe (sqlValues.ts)
 * where a batch has too many values for knex to rewrite placeholders cheaply.
 */
export function derivedRows(
  columns: readonly JoinedColumn[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  return rows
    .map(([id, ...cells], i) =>
      i === 0
        ? `SELECT CAST(${id} AS SIGNED) AS id, ${columns.map((c, k) => `CAST(${cells[k]} AS ${c.cast}) AS ${c.name}`).join(', ')}`
        : `SELECT ${id}, ${cells.join(', ')}`,
    )
    .join(' UNION ALL ');
}

/**
 * Column updates for many rows in one statement: a derived table of (id, values) joined on the
 * primary key (alias `t` for the table, `v` for the values). The values are written as literals
 * (sqlValues.ts), not bound: a batch of a hundred SLA states is over a thousand values.
 */
export async function updateJoined(
  trx: Knex.Transaction,
  table: string,
  columns: readonly JoinedColumn[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>,
  set: string,
): Promise<void> {
  if (rows.length === 0) return;
  const literals = rows.map((row) => row.map(sqlValue));
  await trx.raw(`UPDATE ${table} t JOIN (${derivedRows(columns, literals)}) v ON v.id = t.id SET ${set}`);
}
