import { Knex } from 'knex';
import { instantToUtc } from '../core/time';
import { updateJoined } from '../core/joinedUpdate';
import { rawRows, rawWrite } from '../core/rawRows';
import { idList } from '../core/sqlIdList';

/**
 * The SLA columns of bl_support_ticket (sla_stale, sla_version, the deadlines, uf_state): how a ticket
 * is marked for recomputation, and the open/overdue counts `bxsup status` and the metrics show. The
 * mirror columns of the same table are the sync's (sync/store/). The statements that store a computed
 * state (storeSlaState, storeSlaStates) are here too; what to compute and when, and the native user
 * fields written in the same transaction, are escalator/state/storeState.ts's.
 *
 * A stale mark moves sla_version on: a computation that read the history before the mark then fails its
 * version guard and never lands (storeSlaState, lockSlaVersions).
 */
type Writer = Knex | Knex.Transaction;

const TICKET_TABLE = 'bl_support_ticket';

/** What a stale mark sets, for a statement that writes other columns too (`alias`: the ticket table's). */
export function slaStaleAssignments(alias?: string): string {
  const c = alias ? `${alias}.` : '';
  return `${c}sla_stale = 1, ${c}sla_version = ${c}sla_version + 1`;
}

/**
 * The SLA columns the sync's insert of a mirror row writes (sync/store/ticketUpsert.ts, one statement per
 * batch), named here so that this file alone spells an SLA column in a write (lint/tableOwners.mjs).
 * FIRST_DEADLINES: the row's first deadlines, which the sync computes from the policy as it maps the
 * ticket (sync/slaDeadlines.ts); each row's VALUES holds them in this order, where the column list has
 * them. On a row that exists already the statement leaves them to the SLA refresh.
 */
export const FIRST_DEADLINES = ['first_reply_deadline', 'sla_deadline'] as const;

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
export async function forgetWrittenFields(db: Writer, ticketIds: readonly number[]): Promise<number> {
  if (ticketIds.length === 0) return 0;
  const result = await rawWrite(
    db,
    `UPDATE ${TICKET_TABLE} SET uf_state = NULL, ${slaStaleAssignments()} WHERE id IN (${ticketIds.map(() => '?').join(', ')})`,
    ticketIds as number[],
  );
  // The mirror rows marked: an ID with none (a ticket Bitrix keeps that was never mirrored) counts not.
  return result.affectedRows;
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

/** The deadline columns a computation decides (UTC DATETIME text), written by the statements below. */
export interface SlaColumnValues {
  first_reply_deadline: string | null;
  sla_deadline: string | null;
  paused_minutes: number;
  sla_paused: number;
  first_reply_breached: number;
  resolution_breached: number;
  next_due_at: string | null;
}

/** What the agent changed on the mirror in the same transaction as the computation it stores. */
export interface AgentColumns {
  /** Mirror columns written with the SLA (priority, assigned_to, escalation_level). */
  columns?: Record<string, string | number | null>;
  /** History events the transaction appended: the stored version moves past them. */
  versionBump?: number;
}

/** One computed SLA state to store: the ticket and what to write. */
export interface SlaStateWrite {
  id: number;
  sla: SlaColumnValues;
  /** The new uf_state (signature of the user fields written with it), or null to keep it. */
  ufState: string | null;
  agent?: AgentColumns;
}

/**
 * Stores one computed state under the version guard (`readVersion`: sla_version when the history was
 * read) and clears the stale mark. When the guard fails,
 * the agent's own columns (and its version bump) are written all the same and the ticket is left
 * stale for a recomputation. Returns whether the state was stored.
 */
export async function storeSlaState(
  trx: Knex.Transaction,
  w: SlaStateWrite,
  readVersion: number,
): Promise<boolean> {
  const extra = w.agent ?? {};
  const bump = extra.versionBump ?? 0;
  const updated = await trx(TICKET_TABLE)
    .where({ id: w.id, sla_version: readVersion })
    .update({
      ...extra.columns,
      ...w.sla,
      sla_version: trx.raw('sla_version + ?', [bump]),
      sla_stale: 0,
      ...(w.ufState !== null ? { uf_state: w.ufState } : {}),
    });
  if (updated !== 1) {
    if (extra.columns || bump > 0) {
      await trx(TICKET_TABLE)
        .where({ id: w.id })
        .update({ ...extra.columns, sla_version: trx.raw('sla_version + ?', [bump]), sla_stale: 1 });
    }
    return false;
  }
  return true;
}

/** The current sla_version of each ticket, the rows locked in ID order (the batch store's guard). */
export async function lockSlaVersions(
  trx: Knex.Transaction,
  ids: readonly number[],
): Promise<Map<number, number>> {
  const locked = await rawRows<{ id: number; sla_version: number }>(
    trx,
    `SELECT id, sla_version FROM ${TICKET_TABLE} WHERE id IN (${idList(ids)}) ORDER BY id FOR UPDATE`,
  );
  return new Map(locked.map((r) => [Number(r.id), Number(r.sla_version)]));
}

/** Many states whose guard held (lockSlaVersions), in one statement: stale mark cleared, uf_state kept when null. */
export async function storeSlaStates(trx: Knex.Transaction, writes: readonly SlaStateWrite[]): Promise<void> {
  await updateJoined(
    trx,
    TICKET_TABLE,
    [...SLA_COLUMN_TYPES, { name: 'uf_state', cast: 'CHAR' }, ...AGENT_COLUMN_TYPES],
    writes.map((w) => {
      const agent = agentColumns(w.agent);
      return [
        w.id,
        ...SLA_COLUMN_TYPES.map((col) => w.sla[col.name]),
        w.ufState,
        ...AGENT_COLUMN_TYPES.map((col) => agent[col.name]),
      ];
    }),
    [
      ...SLA_COLUMN_TYPES.map((col) => `t.${col.name} = v.${col.name}`),
      't.sla_stale = 0',
      't.uf_state = COALESCE(v.uf_state, t.uf_state)',
      ...AGENT_SET,
    ].join(', '),
  );
}

/** Tickets whose guard failed: the agent's own columns written all the same, the ticket left stale. */
export async function writeAgentColumnsStale(
  trx: Knex.Transaction,
  writes: ReadonlyArray<{ id: number; agent: AgentColumns }>,
): Promise<void> {
  await updateJoined(
    trx,
    TICKET_TABLE,
    [...AGENT_COLUMN_TYPES],
    writes.map((w) => {
      const agent = agentColumns(w.agent);
      return [w.id, ...AGENT_COLUMN_TYPES.map((col) => agent[col.name])];
    }),
    [...AGENT_SET, 't.sla_stale = 1'].join(', '),
  );
}

/** AgentColumns as joined columns; NULL keeps the ticket's value (the agent never writes a NULL there). */
const AGENT_COLUMN_TYPES = [
  { name: 'priority', cast: 'SIGNED' },
  { name: 'assigned_to', cast: 'SIGNED' },
  { name: 'escalation_level', cast: 'CHAR' },
  { name: 'version_bump', cast: 'SIGNED' },
] as const;
type AgentColumn = (typeof AGENT_COLUMN_TYPES)[number]['name'];

const AGENT_SET = [
  't.priority = COALESCE(v.priority, t.priority)',
  't.assigned_to = COALESCE(v.assigned_to, t.assigned_to)',
  't.escalation_level = COALESCE(v.escalation_level, t.escalation_level)',
  't.sla_version = t.sla_version + COALESCE(v.version_bump, 0)',
];

function agentColumns(extra: AgentColumns | undefined): Record<AgentColumn, string | number | null> {
  const pick = (name: string) => extra?.columns?.[name] ?? null;
  return {
    priority: pick('priority'),
    assigned_to: pick('assigned_to'),
    escalation_level: pick('escalation_level'),
    version_bump: extra?.versionBump ?? 0,
  };
}

const SLA_COLUMN_TYPES: ReadonlyArray<{ name: keyof SlaColumnValues; cast: 'SIGNED' | 'DATETIME' }> = [
  { name: 'first_reply_deadline', cast: 'DATETIME' },
  { name: 'sla_deadline', cast: 'DATETIME' },
  { name: 'paused_minutes', cast: 'SIGNED' },
  { name: 'sla_paused', cast: 'SIGNED' },
  { name: 'first_reply_breached', cast: 'SIGNED' },
  { name: 'resolution_breached', cast: 'SIGNED' },
  { name: 'next_due_at', cast: 'DATETIME' },
];
