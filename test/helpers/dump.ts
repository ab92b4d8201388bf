import { Db } from '../../core/db';
import { rawRows } from '../../core/rawRows';

/**
 * A textual dump of a database's schema and data, for "nothing changed" comparisons: SHOW CREATE TABLE
 * of every table (AUTO_INCREMENT counters removed: they never go back) and every row in primary-key order.
 */
export async function dumpDatabase(db: Db, options: { excludePrefix?: string } = {}): Promise<string> {
  const tables = await db('information_schema.TABLES')
    .where('TABLE_SCHEMA', db.raw('DATABASE()'))
    .orderBy('TABLE_NAME')
    .pluck<string[]>('TABLE_NAME');
  const parts: string[] = [];
  for (const table of tables) {
    if (options.excludePrefix && table.startsWith(options.excludePrefix)) continue;
    const created = await rawRows<Record<string, string>>(db, `SHOW CREATE TABLE \`${table}\``);
    parts.push(created[0]['Create Table'].replace(/ AUTO_INCREMENT=\d+/, ''));
    const rows = await db(table).select('*');
    // Sorted as text so tables without a primary key compare the same whatever order the server returns.
    parts.push(...rows.map((row) => `${table}: ${JSON.stringify(row)}`).sort());
  }
  return parts.join('\n');
}

export async function schemaOnly(db: Db): Promise<string> {
  const dump = await dumpDatabase(db);
  return dump
    .split('\n')
    .filter((line) => !/^\w+: \{/.test(line))
    .join('\n');
}
