import { Db } from '../../core/db';
import { Migration } from '../migration';

/**
 * bl_support_ticket.sla_episode (migration 003) held the SLA engine's episode for an escalation key
 * that was never built: escalations fire once per reopen cycle (bl_support_escalation.cycle), and
 * nothing read the column. Dropped so the table says what the code uses.
 */
// Not the migrator's helpers: the migrator imports the migration list, and a cycle would load it half-built.
async function hasColumn(db: Db, table: string, column: string): Promise<boolean> {
  const row = (await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table, COLUMN_NAME: column })
    .first('COLUMN_NAME')) as unknown;
  return row !== undefined;
}

export const migration007: Migration = {
  version: 7,
  name: 'drop the unused sla_episode column',
  statements: [
    {
      sql: 'ALTER TABLE bl_support_ticket DROP COLUMN sla_episode',
      skipIf: async (db) => !(await hasColumn(db, 'bl_support_ticket', 'sla_episode')),
    },
  ],
};
