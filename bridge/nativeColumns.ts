import { Knex } from 'knex';

/**
 * The columns native tables really have. Bitrix's schema grew over the years (main 18.x's b_event_type
 * has no EVENT_TYPE, old b_event rows have no LANGUAGE_ID, …): every row bxsup writes into a native
 * table is built whole and then cut down to the columns that exist, so the same code writes to every
 * version and a dry run prints exactly what will run. One information_schema query per set of tables.
 */
type Reader = Knex | Knex.Transaction;

export type NativeRow = Record<string, string | number | null>;

export class NativeColumns {
  private constructor(
    private readonly columns: Map<string, Map<string, ColumnInfo>>,
    private readonly engines: Map<string, string>,
  ) {}

  static async read(db: Reader, tables: readonly string[]): Promise<NativeColumns> {
    const rows = (await db('information_schema.COLUMNS as c')
      .join('information_schema.TABLES as t', function () {
        this.on('t.TABLE_SCHEMA', 'c.TABLE_SCHEMA').andOn('t.TABLE_NAME', 'c.TABLE_NAME');
      })
      .where('c.TABLE_SCHEMA', db.raw('DATABASE()'))
      .whereIn('c.TABLE_NAME', tables as string[])
      .select(
        'c.TABLE_NAME as table',
        'c.COLUMN_NAME as column',
        'c.DATA_TYPE as type',
        'c.CHARACTER_SET_NAME as charset',
        't.ENGINE as engine',
      )) as Array<{ table: string; column: string; type: string; charset: string | null; engine: string }>;
    const columns = new Map<string, Map<string, ColumnInfo>>();
    const engines = new Map<string, string>();
    for (const r of rows) {
      const table = columns.get(r.table) ?? new Map<string, ColumnInfo>();
      table.set(r.column.toUpperCase(), { name: r.column, type: r.type.toLowerCase(), charset: r.charset });
      columns.set(r.table, table);
      engines.set(r.table, r.engine);
    }
    return new NativeColumns(columns, engines);
  }

  hasTable(table: string): boolean {
    return this.columns.has(table);
  }

  has(table: string, column: string): boolean {
    return this.columns.get(table)?.has(column.toUpperCase()) ?? false;
  }

  column(table: string, column: string): ColumnInfo | null {
    return this.columns.get(table)?.get(column.toUpperCase()) ?? null;
  }

  /** The storage engine of a table (InnoDB, MyISAM, Aria…), null when it does not exist. */
  engine(table: string): string | null {
    return this.engines.get(table) ?? null;
  }

  /** `row` without the columns `table` does not have. */
  pick(table: string, row: NativeRow): NativeRow {
    return Object.fromEntries(Object.entries(row).filter(([column]) => this.has(table, column)));
  }

  /** The columns of `wanted` that `table` lacks (for status and the install report). */
  missing(table: string, wanted: readonly string[]): string[] {
    return wanted.filter((c) => !this.has(table, c));
  }
}

export interface ColumnInfo {
  name: string;
  /** information_schema DATA_TYPE, lower case: int, text, varchar, datetime… */
  type: string;
  charset: string | null;
}

/** An INSERT of one row, with its values bound (the installer's runner prints or runs it). */
export function insertStatement(
  table: string,
  row: NativeRow,
): { sql: string; bindings: Array<string | number | null> } {
  const columns = Object.keys(row);
  return {
    sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    bindings: columns.map((c) => row[c]),
  };
}
