import { Db } from '../../core/db';
import { Migration, MigrationStatement } from '../migration';

/**
 * What the sync engine needs beyond the initial mirror. MySQL has no ADD COLUMN IF NOT EXISTS, so each
 * column is its own statement guarded by `skipIf`: a crash between two ALTERs is repaired by re-running.
 */
function addColumn(table: string, column: string, definition: string): MigrationStatement {
  return {
    sql: `ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`,
    skipIf: (db) => hasColumn(db, table, column),
  };
}

// Not migrator.columnExists: the migrator imports this list, and a cycle would load it half-built.
async function hasColumn(db: Db, table: string, column: string): Promise<boolean> {
  const rows = await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table, COLUMN_NAME: column })
    .count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n) > 0;
}

export const migration002: Migration = {
  version: 2,
  name: 'sync: deletion mark, first message, native state',
  statements: [
    // A ticket deleted in Bitrix keeps its mirror row and its number (numbers are never reused): it is
    // only marked, and leaves the open set.
    addColumn(
      'bl_support_ticket',
      'deleted_at',
      "DATETIME NULL COMMENT 'UTC; set when b_ticket lost the row'",
    ),
    // The ticket's opening message (lowest visible, non-log b_ticket_message.ID): a staff message that
    // opens a ticket is not a reply, and its text is searched for an order number.
    addColumn(
      'bl_support_ticket',
      'first_message_id',
      "INT NULL COMMENT 'b_ticket_message.ID of the opening message'",
    ),
    // The native columns change detection compares, as last mirrored. TIMESTAMP_X alone misses writes
    // that do not touch it (direct SQL, some agents, UF values saved on their own).
    addColumn(
      'bl_support_ticket',
      'native_state',
      "VARCHAR(255) NULL COMMENT 'signature of the b_ticket/b_uts_support values last mirrored'",
    ),
  ],
};
