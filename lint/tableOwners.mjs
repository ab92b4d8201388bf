/**
 * Who may name each shared table of ours (issue #14: one module per table is the only code that
 * writes it and offers the queries others need). `npm run lint` fails when a file not listed here
 * spells one of these table names in a string or SQL template: call the owner instead.
 *
 * An entry is a file path or a folder ending in '/', relative to the project root. Migrations,
 * tests, benchmarks and fixtures are exempt (see EXEMPT): DDL and checks of what landed in a table
 * are not a second owner. The mirror tables (bl_support_ticket, bl_support_message) are the sync's
 * and are not listed here.
 */
export const TABLE_OWNERS = {
  bl_support_outbox: ['store/outbox/'],
  bl_support_cursor: ['store/cursors.ts'],
  bl_support_escalation: ['store/escalations.ts'],
  // The SLA history: the sync's appends (sync/store/ticketHistory.ts) and the agent's go through it.
  bl_support_ticket_event: ['store/ticketEvents.ts'],
  bl_support_webhook_delivery: ['store/webhookDeliveries.ts'],
  bl_support_native_change: ['store/nativeChanges.ts'],
  bl_support_daemon: ['store/daemons.ts'],
  bl_support_set_aside: ['store/setAside.ts'],
  bl_support_native_intent: ['store/nativeIntents.ts'],
};

/**
 * Strings only one module may spell, beside the table names: the names of the cursor rows, so that no
 * file reads or writes a cursor behind store/cursors.ts (as install once spelled 'baseline_ticket').
 * The sync's cursors 'ticket', 'message' and 'changes' are common words and are not listed.
 */
export const OWNED_LITERALS = {
  'store/cursors.ts': [
    'baseline_ticket',
    'baseline_message',
    'installed_at_ms',
    'reconcile_position',
    'reconcile_done_ms',
    'escalate_last_pass_ms',
    'escalate_last_pass_duration_ms',
    'escalate_last_pass_applied',
    'reply_templates_seeded',
  ],
};

/**
 * Columns of bl_support_ticket only one module may write (the table itself is the sync's mirror): the
 * SLA columns, written by store/slaColumns.ts alone. Reading them is free; what fails is naming one in
 * an UPDATE or INSERT statement's text or in what its placeholders hold (a column list kept in a
 * constant and joined into the statement), or as a key of an object a knex
 * `.update()`/`.insert()`/`.merge()` is given, outside the owner. The sync's insert of a new ticket
 * takes its SLA column names from the owner (sync/store/ticketUpsert.ts).
 */
export const OWNED_WRITES = {
  'store/slaColumns.ts': [
    'sla_stale',
    'sla_version',
    'first_reply_deadline',
    'sla_deadline',
    'paused_minutes',
    'sla_paused',
    'first_reply_breached',
    'resolution_breached',
    'next_due_at',
    'uf_state',
  ],
};

/** Folders whose files may name any table: DDL, and tests/benchmarks that look at what landed. */
export const EXEMPT = ['schema/migrations/', 'test/', 'bench/', 'fixtures/', 'lint/'];
