import { escape } from 'mysql2';

/**
 * Multi-row VALUES written out with the driver's own escaping instead of bound: a 1,000-row upsert has
 * tens of thousands of values, and knex scans and rewrites every placeholder before the driver escapes
 * them again. Values are strings, numbers or null only (dates arrive as UTC text), so escaping cannot
 * depend on the connection's time zone; the session's sql_mode has no NO_BACKSLASH_ESCAPES.
 */
export type SqlScalar = string | number | null;

export function valuesSql(rows: SqlScalar[][]): string {
  return rows.map((row) => `(${row.map((v) => escape(v)).join(', ')})`).join(', ');
}
