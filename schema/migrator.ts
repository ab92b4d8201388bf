import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { BxsupError } from '../core/errors';
import { instantToUtc } from '../core/time';
import { Migration } from './migration';
import { CODE_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { SqlRunner } from '../core/sqlRunner';

export const VERSION_TABLE = 'bl_support_schema_migrations';

export async function tableExists(db: Db, table: string): Promise<boolean> {
  const rows = await db('information_schema.TABLES')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table })
    .count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n) > 0;
}

export async function columnExists(db: Db, table: string, column: string): Promise<boolean> {
  const rows = await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table, COLUMN_NAME: column })
    .count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n) > 0;
}

/** The schema version recorded in the database; 0 when our tables are not installed. */
export async function installedSchemaVersion(db: Db): Promise<number> {
  if (!(await tableExists(db, VERSION_TABLE))) return 0;
  const row = await db(VERSION_TABLE).max<{ v: number | null }[]>({ v: 'version' });
  return Number(row[0].v ?? 0);
}

/** Refuses a database migrated by a newer bxsup: this code would misread its tables. */
export async function assertSchemaNotNewer(db: Db): Promise<number> {
  const installed = await installedSchemaVersion(db);
  if (installed > CODE_SCHEMA_VERSION) {
    throw new BxsupError(
      'SCHEMA_TOO_NEW',
      `the database has bxsup schema version ${installed}, newer than this bxsup (${CODE_SCHEMA_VERSION}): upgrade bxsup on this host`,
    );
  }
  return installed;
}

/**
 * For everything but install and status: bxsup's tables must be there and current, else one line that
 * says to run bxsup install (exit 2) instead of the first query's "table doesn't exist".
 */
export async function assertInstalled(db: Db, target: DbTarget): Promise<number> {
  const installed = await assertSchemaNotNewer(db);
  if (installed === 0)
    throw new BxsupError(
      'SCHEMA_NOT_INSTALLED',
      `bxsup is not installed in ${target.database}: run bxsup install`,
    );
  if (installed < CODE_SCHEMA_VERSION)
    throw new BxsupError(
      'SCHEMA_NOT_INSTALLED',
      `the bxsup schema in ${target.database} is at version ${installed}, this bxsup needs ${CODE_SCHEMA_VERSION}: run bxsup install to upgrade it`,
    );
  return installed;
}

export function pendingMigrations(installed: number): Migration[] {
  return MIGRATIONS.filter((m) => m.version > installed);
}

/**
 * Applies the pending migrations through the runner. Each statement is idempotent, and the version row
 * is written after its statements, so a crash between them is repaired by running again.
 */
export async function migrate(
  db: Db,
  runner: SqlRunner,
  now: Date,
  onStep: (m: Migration) => void,
): Promise<Migration[]> {
  const installed = await assertSchemaNotNewer(db);
  const pending = pendingMigrations(installed);
  if (pending.length === 0) return [];
  await runner.run(
    `CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (
      version INT NOT NULL PRIMARY KEY,
      name VARCHAR(255) NOT NULL,
      applied_at DATETIME NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  );
  for (const migration of pending) {
    onStep(migration);
    for (const statement of migration.statements) {
      const { sql, skipIf } =
        typeof statement === 'string' ? { sql: statement, skipIf: undefined } : statement;
      if (skipIf && (await skipIf(db))) continue;
      await runner.run(sql);
    }
    await runner.run(`INSERT IGNORE INTO ${VERSION_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`, [
      migration.version,
      migration.name,
      instantToUtc(now),
    ]);
  }
  return pending;
}
