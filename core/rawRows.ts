import { Knex } from 'knex';

/**
 * The one place a raw query's answer gets its type. mysql2 answers `db.raw` with `[rows, fields]` for a
 * SELECT and `[ResultSetHeader]` for a write, which knex types as `any`: the row type is named here, at
 * the boundary, instead of an `as unknown as [...]` at each call.
 */
export async function rawRows<T>(
  db: Knex | Knex.Transaction,
  sql: string,
  bindings?: readonly Knex.RawBinding[],
): Promise<T[]> {
  const [rows] = (await (bindings === undefined ? db.raw(sql) : db.raw(sql, bindings))) as [T[], unknown];
  return rows;
}

/** What mysql2 reports for a raw INSERT, UPDATE or DELETE. */
export interface RawWriteResult {
  affectedRows: number;
  insertId: number;
}

/** A raw write's counts (the store modules' conditional UPDATEs read affectedRows). */
export async function rawWrite(
  db: Knex | Knex.Transaction,
  sql: string,
  bindings?: readonly Knex.RawBinding[],
): Promise<RawWriteResult> {
  const [header] = (await (bindings === undefined ? db.raw(sql) : db.raw(sql, bindings))) as [RawWriteResult];
  return header;
}
