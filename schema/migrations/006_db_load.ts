import { Db } from '../../core/db';
import { Migration } from '../migration';

/**
 * Load is visible: each daemon's heartbeat row carries what its workers cost the database over the last
 * minute (statements, rows examined, bytes), so `bxsup status` shows every daemon's figures, not only
 * those of the one it could ask over HTTP.
 */
// Not the migrator's helpers: the migrator imports the migration list, and a cycle would load it half-built.
async function hasColumn(db: Db, table: string, column: string): Promise<boolean> {
  const row = (await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table, COLUMN_NAME: column })
    .first('COLUMN_NAME')) as unknown;
  return row !== undefined;
}

export const migration006: Migration = {
  version: 6,
  name: "the daemons' database load in the heartbeat",
  statements: [
    {
      sql: "ALTER TABLE bl_support_daemon ADD COLUMN db_load TEXT NULL COMMENT 'JSON: {seconds, workers: {name: {statements, rowsExamined, bytesReceived, bytesSent}}} over the last minute'",
      skipIf: (db) => hasColumn(db, 'bl_support_daemon', 'db_load'),
    },
  ],
};
