import { SchemaProbe } from './schemaProbe';

/**
 * The SQL for a ticket's next SLA deadline (alias `t` = bl_support_ticket): the deadline operators
 * must meet next, the same one the escalation agent writes to UF_SLA_DEADLINE for the Bitrix UI:
 * the first-reply deadline until someone has answered, then the resolution deadline, none while the
 * resolution clock is paused (`sla_paused`, migration 003).
 *
 * Not `next_due_at`: that column is the agent's scheduling index ("the earliest warning, deadline or
 * escalation point not yet acted on"). It points at warnings before deadlines, and once a breach has
 * been acted on it moves past the deadline, so a ticket overdue for an hour would look on time.
 */
export interface DueSql {
  /** An expression yielding a UTC DATETIME or NULL. */
  dueAt: string;
  /** An expression yielding 'first_reply' | 'resolution' | NULL. */
  dueKind: string;
}

export function dueSql(schema: SchemaProbe): DueSql {
  const paused = schema.hasColumn('bl_support_ticket', 'sla_paused') ? 't.sla_paused = 1' : 'FALSE';
  return {
    dueAt: `CASE WHEN t.first_reply_at IS NULL THEN t.first_reply_deadline WHEN ${paused} THEN NULL ELSE t.sla_deadline END`,
    dueKind:
      `CASE WHEN t.first_reply_at IS NULL THEN IF(t.first_reply_deadline IS NULL, NULL, 'first_reply') ` +
      `WHEN ${paused} THEN NULL ELSE IF(t.sla_deadline IS NULL, NULL, 'resolution') END`,
  };
}
