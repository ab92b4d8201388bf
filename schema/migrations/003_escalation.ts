import { Db } from '../../core/db';
import { Migration, MigrationStatement } from '../migration';

/**
 * What the SLA engine and the escalation agent keep. Each ALTER is its own statement guarded by
 * `skipIf` (MySQL has no ADD COLUMN / ADD INDEX IF NOT EXISTS): a crash between two is repaired by
 * running the migration again.
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

function addColumn(table: string, column: string, definition: string): MigrationStatement {
  return {
    sql: `ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`,
    skipIf: (db) => exists(db, 'COLUMNS', { TABLE_NAME: table, COLUMN_NAME: column }),
  };
}

function addIndex(table: string, index: string, columns: string): MigrationStatement {
  return {
    sql: `ALTER TABLE ${table} ADD INDEX ${index} (${columns})`,
    skipIf: (db) => exists(db, 'STATISTICS', { TABLE_NAME: table, INDEX_NAME: index }),
  };
}

// Not the migrator's helpers: the migrator imports the migration list, and a cycle would load it half-built.
async function exists(db: Db, view: string, where: Record<string, string>): Promise<boolean> {
  const rows = await db(`information_schema.${view}`)
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), ...where })
    .count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n) > 0;
}

const T = 'bl_support_ticket';

export const migration003: Migration = {
  version: 3,
  name: 'SLA state, ticket history, escalations',
  statements: [
    addColumn(
      T,
      'paused_minutes',
      "INT NOT NULL DEFAULT 0 COMMENT 'working minutes the resolution clock was paused'",
    ),
    addColumn(T, 'sla_paused', 'TINYINT(1) NOT NULL DEFAULT 0'),
    // The escalator's index: the earliest warning, deadline or escalation point not yet acted on.
    addColumn(T, 'next_due_at', "DATETIME NULL COMMENT 'UTC'"),
    addColumn(T, 'escalation_level', "VARCHAR(32) NULL COMMENT 'the last escalation level applied'"),
    addColumn(T, 'first_reply_breached', 'TINYINT(1) NOT NULL DEFAULT 0'),
    addColumn(T, 'resolution_breached', 'TINYINT(1) NOT NULL DEFAULT 0'),
    addColumn(T, 'sla_episode', "INT NOT NULL DEFAULT 0 COMMENT '+1 on each staff reply and reopen'"),
    // Optimistic concurrency between whoever records history (sync, agent) and whoever computes the
    // SLA from it: history writers bump sla_version and set sla_stale; a computation only lands when
    // sla_version is still the one it read. New and existing rows start stale, so they get computed.
    addColumn(T, 'sla_version', 'INT NOT NULL DEFAULT 0'),
    addColumn(T, 'sla_stale', 'TINYINT(1) NOT NULL DEFAULT 1'),
    addColumn(T, 'uf_state', "VARCHAR(64) NULL COMMENT 'UF_SLA_DEADLINE|UF_TICKET_NUMBER as last written'"),
    addIndex(T, 'ix_bl_support_ticket_due', 'is_open, next_due_at'),
    addIndex(T, 'ix_bl_support_ticket_stale', 'sla_stale, is_open, id'),
    // The history the SLA is computed from: what the mirror saw change, never "now".
    `CREATE TABLE IF NOT EXISTS bl_support_ticket_event (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      ticket_id INT NOT NULL,
      at DATETIME NOT NULL COMMENT 'UTC',
      kind VARCHAR(16) NOT NULL COMMENT 'created | priority | category | status | closed | reopened',
      value VARCHAR(64) NULL,
      source VARCHAR(16) NOT NULL DEFAULT 'sync' COMMENT 'sync | bxsup (the agent''s own change)',
      created_at DATETIME NOT NULL,
      KEY ix_bl_support_ticket_event_ticket (ticket_id, at, id)
    ) ${TABLE_OPTIONS}`,
    // One row per action: the unique key is what makes each escalation happen once (see escalator/agent).
    `CREATE TABLE IF NOT EXISTS bl_support_escalation (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      ticket_id INT NOT NULL,
      target VARCHAR(16) NOT NULL COMMENT 'first_reply | resolution | assignment',
      level VARCHAR(32) NOT NULL,
      cycle INT NOT NULL COMMENT 'reopen count: a reopen re-arms every level, a reply does not',
      due_at DATETIME NOT NULL COMMENT 'UTC: the point that made it due',
      deadline_at DATETIME NULL COMMENT 'UTC: the deadline in force then',
      fired_at DATETIME NOT NULL,
      outcome VARCHAR(16) NOT NULL COMMENT 'applied | baseline (already overdue at install)',
      actions TEXT NULL COMMENT 'JSON: what was done',
      UNIQUE KEY ux_bl_support_escalation (ticket_id, target, level, cycle),
      KEY ix_bl_support_escalation_fired (fired_at),
      KEY ix_bl_support_escalation_outcome (outcome, ticket_id)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_webhook_delivery (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      escalation_id BIGINT NOT NULL,
      channel VARCHAR(191) NOT NULL COMMENT 'webhook name, and the recipient for Bitrix24',
      body TEXT NOT NULL COMMENT 'JSON; the URL stays in the configuration (it holds a token)',
      state VARCHAR(16) NOT NULL DEFAULT 'pending' COMMENT 'pending | sent | failed',
      attempts INT NOT NULL DEFAULT 0,
      next_attempt_at DATETIME NOT NULL,
      sent_at DATETIME NULL,
      last_error TEXT NULL,
      created_at DATETIME NOT NULL,
      UNIQUE KEY ux_bl_support_webhook_delivery (escalation_id, channel),
      KEY ix_bl_support_webhook_delivery_due (state, next_attempt_at)
    ) ${TABLE_OPTIONS}`,
  ],
};
