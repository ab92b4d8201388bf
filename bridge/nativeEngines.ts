import { Db } from '../core/db';

/**
 * Storage engines of the native tables bxsup writes. Very old installs still have MyISAM tables, which
 * take no part in transactions: a native write there is not rolled back with ours, so every effect on
 * them must be safe to repeat (store/nativeIntents.ts), and install and status warn.
 */
export const NATIVE_WRITTEN_TABLES = [
  'b_ticket',
  'b_ticket_message',
  'b_ticket_search',
  'b_uts_support',
  'b_event',
] as const;

const TRANSACTIONAL = new Set(['innodb', 'xtradb']);

/** "b_ticket (MyISAM)" for every written native table whose engine has no transactions. */
export async function nonTransactionalTables(db: Db): Promise<Array<{ table: string; engine: string }>> {
  const rows = (await db('information_schema.TABLES')
    .where('TABLE_SCHEMA', db.raw('DATABASE()'))
    .whereIn('TABLE_NAME', NATIVE_WRITTEN_TABLES as unknown as string[])
    .select('TABLE_NAME as table', 'ENGINE as engine')) as Array<{ table: string; engine: string | null }>;
  return rows
    .filter((r) => r.engine && !TRANSACTIONAL.has(r.engine.toLowerCase()))
    .map((r) => ({ table: r.table, engine: String(r.engine) }))
    .sort((a, b) => a.table.localeCompare(b.table));
}

export function nonTransactionalWarning(tables: Array<{ table: string; engine: string }>): string | null {
  if (tables.length === 0) return null;
  const list = tables.map((t) => `${t.table} (${t.engine})`).join(', ');
  return `native tables without transactions: ${list}; bxsup's changes to them cannot be rolled back, so each is recorded first and checked before it is made again; convert them to InnoDB when you can (ALTER TABLE <table> ENGINE=InnoDB, after a backup)`;
}
