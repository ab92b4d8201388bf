import { Migration } from '../migration';

/**
 * Our own tables. All utf8mb4/InnoDB whatever the site's charset, so any text Bitrix can hold fits.
 * DATETIME columns hold UTC (see README.md, "Time"); native DATETIMEs are converted at the boundary.
 * `id` of the mirror tables is the native ID (b_ticket.ID, b_ticket_message.ID), never our own.
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

export const migration001: Migration = {
  version: 1,
  name: 'initial tables',
  statements: [
    `CREATE TABLE IF NOT EXISTS bl_support_ticket (
      id INT NOT NULL PRIMARY KEY COMMENT 'b_ticket.ID',
      number VARCHAR(20) NOT NULL,
      site_id CHAR(2) NOT NULL,
      user_id INT NULL COMMENT 'b_ticket.OWNER_USER_ID; NULL for a guest',
      guest_email VARCHAR(255) NULL COMMENT 'b_ticket.OWNER_SID of a guest ticket',
      order_id INT NULL COMMENT 'b_sale_order.ID of the owner',
      order_source VARCHAR(8) NULL COMMENT 'uf | title | message',
      subject VARCHAR(500) NOT NULL,
      category VARCHAR(64) NULL,
      priority SMALLINT NOT NULL DEFAULT 2 COMMENT '1 low, 2 normal, 3 high, 4 critical',
      status VARCHAR(30) NOT NULL,
      assigned_to INT NULL,
      group_id INT NULL COMMENT 'b_ticket_ugroups.ID of the responsible',
      first_reply_deadline DATETIME NULL,
      sla_deadline DATETIME NULL,
      first_reply_at DATETIME NULL,
      resolved_at DATETIME NULL,
      reopen_count INT NOT NULL DEFAULT 0,
      is_open TINYINT(1) NOT NULL DEFAULT 1,
      native_timestamp_x VARCHAR(19) NULL COMMENT 'b_ticket.TIMESTAMP_X as last mirrored, for change detection',
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL,
      UNIQUE KEY ux_bl_support_ticket_number (number),
      KEY ix_bl_support_ticket_open (is_open, id),
      KEY ix_bl_support_ticket_user (user_id),
      KEY ix_bl_support_ticket_assigned (assigned_to, is_open),
      KEY ix_bl_support_ticket_created (created_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_message (
      id INT NOT NULL PRIMARY KEY COMMENT 'b_ticket_message.ID',
      ticket_id INT NOT NULL,
      author_id INT NULL,
      body MEDIUMTEXT NOT NULL,
      is_internal TINYINT(1) NOT NULL DEFAULT 0,
      is_staff TINYINT(1) NOT NULL DEFAULT 0,
      created_at DATETIME NOT NULL,
      KEY ix_bl_support_message_ticket (ticket_id, created_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_templates (
      id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      code VARCHAR(64) NOT NULL,
      language CHAR(2) NOT NULL,
      title VARCHAR(255) NOT NULL,
      body TEXT NOT NULL,
      active TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL,
      UNIQUE KEY ux_bl_support_templates_code (code, language)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_ticket_number_day (
      day CHAR(8) NOT NULL PRIMARY KEY COMMENT 'site-local YYYYMMDD',
      last_seq INT NOT NULL
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_outbox (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      event_key VARCHAR(191) NOT NULL COMMENT 'unique per event: a second insert of the same event is a no-op',
      event_type VARCHAR(64) NOT NULL,
      ticket_id INT NOT NULL,
      message_id INT NULL,
      payload TEXT NULL COMMENT 'JSON',
      state VARCHAR(16) NOT NULL DEFAULT 'pending' COMMENT 'pending | sending | sent | dead',
      attempts INT NOT NULL DEFAULT 0,
      available_at DATETIME NOT NULL,
      claimed_by VARCHAR(128) NULL,
      claimed_at DATETIME NULL,
      sent_at DATETIME NULL,
      last_error TEXT NULL,
      created_at DATETIME NOT NULL,
      UNIQUE KEY ux_bl_support_outbox_event (event_key),
      KEY ix_bl_support_outbox_due (state, available_at),
      KEY ix_bl_support_outbox_ticket (ticket_id)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_cursor (
      name VARCHAR(64) NOT NULL PRIMARY KEY,
      value BIGINT NOT NULL,
      updated_at DATETIME NOT NULL
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_daemon (
      instance_id VARCHAR(128) NOT NULL PRIMARY KEY,
      host VARCHAR(255) NOT NULL,
      pid INT NOT NULL,
      version VARCHAR(32) NOT NULL,
      started_at DATETIME NOT NULL,
      heartbeat_at DATETIME NOT NULL
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS bl_support_native_change (
      id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      kind VARCHAR(32) NOT NULL,
      target VARCHAR(255) NOT NULL,
      detail TEXT NULL COMMENT 'JSON: what uninstall needs to reverse it',
      created_at DATETIME NOT NULL,
      UNIQUE KEY ux_bl_support_native_change (kind, target)
    ) ${TABLE_OPTIONS}`,
  ],
};
