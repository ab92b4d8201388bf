import { Db } from '../../core/db';
import { Migration, MigrationStatement } from '../migration';

/**
 * What the reliability work needs: message bodies as large as Bitrix's own (b_ticket_message.MESSAGE
 * is LONGTEXT; a MEDIUMTEXT mirror refused a reply over 16 MB, so it was never mailed), and a place in
 * each daemon's heartbeat row for the workers whose passes keep failing, so `bxsup status` can say so.
 */
// Not the migrator's helpers: the migrator imports the migration list, and a cycle would load it half-built.
async function columnType(db: Db, table: string, column: string): Promise<string | null> {
  const row = (await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table, COLUMN_NAME: column })
    .first('DATA_TYPE')) as { DATA_TYPE: string } | undefined;
  return row ? row.DATA_TYPE.toLowerCase() : null;
}

const longBody: MigrationStatement = {
  sql: 'ALTER TABLE bl_support_message MODIFY COLUMN body LONGTEXT NOT NULL',
  skipIf: async (db) => (await columnType(db, 'bl_support_message', 'body')) === 'longtext',
};

const daemonFailing: MigrationStatement = {
  sql: "ALTER TABLE bl_support_daemon ADD COLUMN failing TEXT NULL COMMENT 'JSON: worker -> {since, error} while its passes fail'",
  skipIf: async (db) => (await columnType(db, 'bl_support_daemon', 'failing')) !== null,
};

export const migration004: Migration = {
  version: 4,
  name: 'reliability: long message bodies, failing workers in the heartbeat',
  statements: [longBody, daemonFailing],
};
