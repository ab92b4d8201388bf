import { Migration } from '../migration';

/**
 * What running on real sites needs (issue: "Safe on a real Bitrix site"):
 * - bl_support_set_aside: a ticket the sync cannot process is set aside with its reason instead of
 *   failing every pass on it, shown by `bxsup status`, and retried by the reconciliation;
 * - bl_support_native_intent: an escalation effect on a native table is recorded here before it is made,
 *   with what it will change, so a pass that fails after a write MyISAM cannot roll back does not make it
 *   a second time (store/nativeIntents.ts).
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

export const migration005: Migration = {
  version: 5,
  name: 'set-aside tickets, native effect intents',
  statements: [
    `CREATE TABLE IF NOT EXISTS bl_support_set_aside (
      ticket_id INT NOT NULL PRIMARY KEY COMMENT 'b_ticket.ID',
      phase VARCHAR(16) NOT NULL COMMENT 'tickets | messages | changes | sla',
      message_id INT NULL COMMENT 'b_ticket_message.ID when a message was the cause',
      reason VARCHAR(255) NOT NULL,
      attempts INT NOT NULL DEFAULT 1,
      first_at DATETIME NOT NULL COMMENT 'UTC',
      last_at DATETIME NOT NULL COMMENT 'UTC'
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_native_intent (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      effect_key VARCHAR(191) NOT NULL COMMENT 'the escalation it belongs to: ticket/target/level/cycle',
      ticket_id INT NOT NULL,
      detail TEXT NOT NULL COMMENT 'JSON: the values before and after, the log text',
      created_at DATETIME NOT NULL,
      UNIQUE KEY ux_bl_support_native_intent (effect_key)
    ) ${TABLE_OPTIONS}`,
  ],
};
