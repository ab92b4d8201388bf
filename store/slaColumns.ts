import { Knex } from 'knex';
import { instantToUtc } from '../core/time';

/**
 * The SLA columns of bl_support_ticket (sla_stale, sla_version, the deadlines, uf_state): how a ticket
 * is marked for recomputation, and the open/overdue counts `bxsup status` and the metrics show. The
 * mirror columns of the same table are the sync's (sync/store/). The computed state itself is stored by
 * escalator/state/storeState.ts, in one transaction with the ticket's native user fields.
 *
 * A stale mark moves sla_version on: a computation that read the history before the mark then fails its
 * version guard and never lands (escalator/state/storeState.ts).
 */
type Writer = Knex | Knex.Transaction;

const TICKET_TABLE = 'bl_support_ticket';

/** What a stale mark sets, for a statement that writes other columns too (`alias`: the ticket table's). */
export function slaStaleAssignments(alias?: string): string {
  const c = alias ? `${alias}.` : '';
  return `${c}sla_stale = 1, ${c}sla_version = ${c}sla_version + 1`;
}

/** A ticket inserted for the first time: stale at version 1, what markSlaStale leaves on a new row. */
export const NEW_TICKET_SLA = { columns: ['sla_stale', 'sla_version'], values: '1, 1' } as const;

/** A ticket's SLA must be computed again: new history, a new message, a changed policy. */
export async function markSlaStale(trx: Writer, ticketIds: readonly number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await trx.raw(
    `UPDATE ${TICKET_TABLE} SET ${slaStaleAssignments()} WHERE id IN (${ticketIds.map(() => '?').join(', ')})`,
    ticketIds as number[],
  );
}

/**
 * Computed fields a form overwrote (the sync compared b_uts_support with uf_state): what was written is
 * forgotten and the ticket marked stale, so the next refresh computes and writes the values again.
 */
export async function forgetWrittenFields(db: Writer, ticketIds: readonly number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await db.raw(
    `UPDATE ${TICKET_TABLE} SET uf_state = NULL, ${slaStaleAssignments()} WHERE id IN (${ticketIds.map(() => '?').join(', ')})`,
    ticketIds as number[],
  );
}

/** Which optional columns the database has (queue/schemaProbe.ts answers it). */
export interface ColumnProbe {
  hasColumn(table: string, column: string): boolean;
}

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

export function dueSql(schema: ColumnProbe): DueSql {
  const paused = schema.hasColumn(TICKET_TABLE, 'sla_paused') ? 't.sla_paused = 1' : 'FALSE';
  return {
    dueAt: `CASE WHEN t.first_reply_at IS NULL THEN t.first_reply_deadline WHEN ${paused} THEN NULL ELSE t.sla_deadline END`,
    dueKind:
      `CASE WHEN t.first_reply_at IS NULL THEN IF(t.first_reply_deadline IS NULL, NULL, 'first_reply') ` +
      `WHEN ${paused} THEN NULL ELSE IF(t.sla_deadline IS NULL, NULL, 'resolution') END`,
  };
}

export interface OpenQueueCounts {
  open: number;
  /** Open tickets past their next SLA deadline (dueSql). */
  overdue: number;
  unassigned: number;
}

/** Open tickets of the mirror (deleted ones left out), how many are overdue and how many unassigned. */
export async function countOpenQueue(
  db: Knex,
  schema: ColumnProbe,
  now: Date,
  options: { timeoutMs?: number } = {},
): Promise<OpenQueueCounts> {
  const due = dueSql(schema);
  const query = db({ t: TICKET_TABLE })
    .where('t.is_open', 1)
    .modify((q) => {
      if (schema.hasColumn(TICKET_TABLE, 'deleted_at')) q.whereNull('t.deleted_at');
    })
    .select(
      db.raw('COUNT(*) AS open'),
      db.raw(`COALESCE(SUM(${due.dueAt} < ?), 0) AS overdue`, [instantToUtc(now)]),
      db.raw('COALESCE(SUM(t.assigned_to IS NULL), 0) AS unassigned'),
    );
  const [row] = (await (options.timeoutMs === undefined
    ? query
    : query.timeout(options.timeoutMs))) as Array<{
    open: number;
    overdue: number;
    unassigned: number;
  }>;
  return { open: Number(row.open), overdue: Number(row.overdue), unassigned: Number(row.unassigned) };
}
