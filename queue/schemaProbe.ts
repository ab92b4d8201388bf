import { Db } from '../core/db';

/**
 * Which optional tables and columns this database has. The queue and the report read tables other
 * capabilities add in their own migrations (003: next_due_at, breach flags, bl_support_escalation) and
 * native tables a site may lack (b_sale_order without the sale module), so they ask once per command
 * instead of failing on a missing column. Two queries, whatever the number of things asked.
 */
export interface SchemaProbe {
  tables: ReadonlySet<string>;
  /** Column names per table, for the tables asked about. */
  columns: ReadonlyMap<string, ReadonlySet<string>>;
  hasTable(table: string): boolean;
  hasColumn(table: string, column: string): boolean;
}

export async function probeSchema(db: Db, tables: string[]): Promise<SchemaProbe> {
  const present = new Set(
    await db('information_schema.TABLES')
      .where('TABLE_SCHEMA', db.raw('DATABASE()'))
      .whereIn('TABLE_NAME', tables)
      .pluck<string[]>('TABLE_NAME'),
  );
  const rows = await db('information_schema.COLUMNS')
    .where('TABLE_SCHEMA', db.raw('DATABASE()'))
    .whereIn('TABLE_NAME', [...present])
    .select<Array<{ TABLE_NAME: string; COLUMN_NAME: string }>>('TABLE_NAME', 'COLUMN_NAME');
  const columns = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = columns.get(row.TABLE_NAME) ?? new Set<string>();
    set.add(row.COLUMN_NAME.toLowerCase());
    columns.set(row.TABLE_NAME, set);
  }
  return {
    tables: present,
    columns,
    hasTable: (table) => present.has(table),
    hasColumn: (table, column) => columns.get(table)?.has(column.toLowerCase()) ?? false,
  };
}
