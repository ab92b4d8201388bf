import { Knex } from 'knex';
import { rawWrite } from '../../core/rawRows';
import { MirrorTicket } from '../mapping/ticketRow';
import { TicketSql } from '../mapping/ticketSql';
import { ticketNumberSql } from '../mapping/ticketNumber';
import { IdSpan, idsSql } from './idSpan';
import { sqlNumber, sqlText, sqlTime } from '../../core/sqlValues';
import { FIRST_DEADLINES, NEW_TICKET_SLA, slaStaleAssignments } from '../../store/slaColumns';

/**
 * The columns of bl_support_ticket that the ticket mapping owns, written as one multi-row statement per
 * batch: new tickets as the ticket phase mirrors them, and changed ones as a remap finds them.
 */
export interface NewTicketExtras {
  number: string;
  orderId: number | null;
  orderSource: string | null;
}

const COLUMNS = [
  'id',
  'number',
  'site_id',
  'user_id',
  'guest_email',
  'order_id',
  'order_source',
  'subject',
  'category',
  'priority',
  'status',
  'assigned_to',
  'group_id',
  ...FIRST_DEADLINES,
  'resolved_at',
  'reopen_count',
  'is_open',
  'native_timestamp_x',
  'native_state',
  'created_at',
  'updated_at',
  'deleted_at',
];

// The deadlines (store/slaColumns.ts names them) are written on insert only: on an existing row they
// belong to the SLA engine, which recomputes them from the ticket's history (escalator/state/refreshSla.ts)
// after this batch.
const ON_DUPLICATE = `
  site_id = VALUES(site_id), user_id = VALUES(user_id), guest_email = VALUES(guest_email),
  subject = VALUES(subject), category = VALUES(category), priority = VALUES(priority), status = VALUES(status),
  assigned_to = VALUES(assigned_to), group_id = VALUES(group_id), resolved_at = VALUES(resolved_at),
  reopen_count = VALUES(reopen_count), is_open = VALUES(is_open), native_timestamp_x = VALUES(native_timestamp_x),
  native_state = VALUES(native_state), created_at = VALUES(created_at), updated_at = VALUES(updated_at),
  deleted_at = NULL`;

type TicketRow = { ticket: MirrorTicket; extras: NewTicketExtras };

/**
 * One multi-row statement for a batch. New rows get their number and order link; an existing row keeps
 * its number (assigned once), its order link and its first-reply fields whatever the batch says.
 */
export async function upsertTickets(trx: Knex.Transaction, rows: TicketRow[]): Promise<void> {
  await writeTickets(trx, rows, false);
}

/**
 * Tickets seen for the first time (the ticket phase, under its cursor lock). Their history is recorded
 * next (recordNewTickets), which makes their SLA stale: they are inserted stale at version 1, what
 * markSlaStale would leave, instead of being updated a second time in the same batch.
 */
export async function insertNewTickets(trx: Knex.Transaction, rows: TicketRow[]): Promise<void> {
  await writeTickets(trx, rows, true);
}

async function writeTickets(trx: Knex.Transaction, rows: TicketRow[], fresh: boolean): Promise<void> {
  if (rows.length === 0) return;
  const stale = fresh ? `, ${NEW_TICKET_SLA.values}` : '';
  const values = rows.map(
    ({ ticket: t, extras: x }) =>
      `(${sqlNumber(t.id)}, ${sqlText(x.number)}, ${sqlText(t.siteId)}, ${sqlNumber(t.userId)}, ` +
      `${sqlText(t.guestEmail)}, ${sqlNumber(x.orderId)}, ${sqlText(x.orderSource)}, ${sqlText(t.subject)}, ` +
      `${sqlText(t.category)}, ${sqlNumber(t.priority)}, ${sqlText(t.status)}, ${sqlNumber(t.assignedTo)}, ` +
      `${sqlNumber(t.groupId)}, ${sqlTime(t.firstReplyDeadline)}, ${sqlTime(t.slaDeadline)}, ` +
      `${sqlTime(t.resolvedAt)}, ${sqlNumber(t.reopenCount)}, ${t.isOpen ? 1 : 0}, ` +
      `${sqlText(t.nativeTimestampX)}, ${sqlText(t.nativeState)}, ${sqlTime(t.createdAt)}, ` +
      `${sqlTime(t.updatedAt)}, NULL${stale})`,
  );
  // A "new" row that is there after all is marked stale as markSlaStale would mark it.
  const columns = fresh ? [...COLUMNS, ...NEW_TICKET_SLA.columns] : COLUMNS;
  const onDuplicate = fresh ? `${ON_DUPLICATE}, ${slaStaleAssignments()}` : ON_DUPLICATE;
  await trx.raw(
    `INSERT INTO bl_support_ticket (${columns.join(', ')}) VALUES ${values.join(', ')}
     ON DUPLICATE KEY UPDATE ${onDuplicate}`,
  );
}

/** What Node decided for a batch the server copies: per day its first number, per ticket the rest. */
export interface CopyDecisions {
  /** Site-local day (YYYYMMDD) → the first sequence number reserved for the batch's tickets of it. */
  firstSeq: Map<string, number>;
  orders: Map<number, { orderId: number; orderSource: string | null }>;
  /** Tickets whose signature's UF_ORDER_ID field is not empty: that field. */
  ufFields: Map<number, string>;
}

function caseById(values: Array<[number, string]>, otherwise: string): string {
  if (values.length === 0) return otherwise;
  return `CASE x.ID ${values.map(([id, v]) => `WHEN ${sqlNumber(id)} THEN ${v}`).join(' ')} ELSE ${otherwise} END`;
}

/**
 * New history tickets copied by the server: the rows of `span` that `sql.ordinary` accepts, mapped by
 * the SQL of sync/mapping/ticketSql.ts (what insertNewTickets would write for them), inserted stale at
 * version 1 as insertNewTickets inserts them. Returns how many rows were inserted.
 */
export async function copyNewTickets(
  trx: Knex.Transaction,
  sql: TicketSql,
  span: IdSpan,
  decided: CopyDecisions,
): Promise<number> {
  const first = [...decided.firstSeq].map(([day, seq]) => `WHEN ${sqlText(day)} THEN ${sqlNumber(seq)}`);
  const seq = first.length ? `(CASE x.d ${first.join(' ')} END + x.rn - 1)` : 'NULL';
  const orders = [...decided.orders];
  const values = [
    'x.ID',
    ticketNumberSql(sql.day, seq),
    'x.SITE_ID',
    sql.userId,
    sql.guestEmail,
    caseById(
      orders.map(([id, o]) => [id, sqlNumber(o.orderId)]),
      'NULL',
    ),
    caseById(
      orders.map(([id, o]) => [id, sqlText(o.orderSource)]),
      'NULL',
    ),
    sql.subject,
    sql.category,
    sql.priority,
    sql.status,
    sql.assignedTo,
    sql.groupId,
    sql.firstReplyDeadline,
    sql.slaDeadline,
    sql.resolvedAt,
    sql.reopenCount,
    sql.isOpen,
    sql.nativeTimestampX,
    sql.nativeState(
      caseById(
        [...decided.ufFields].map(([id, f]) => [id, sqlText(f)]),
        "''",
      ),
    ),
    sql.createdAt,
    sql.updatedAt,
    'NULL',
  ];
  const result = await rawWrite(
    trx,
    `INSERT INTO bl_support_ticket (${[...COLUMNS, ...NEW_TICKET_SLA.columns].join(', ')})
     SELECT ${values.join(', ')}, ${NEW_TICKET_SLA.values}
       FROM (SELECT ${sql.inner} FROM b_ticket t ${sql.joins}
              WHERE ${idsSql('t.ID', span)} AND ${sql.ordinary}) x
     ON DUPLICATE KEY UPDATE ${ON_DUPLICATE}, ${slaStaleAssignments()}`,
  );
  return result.affectedRows;
}
