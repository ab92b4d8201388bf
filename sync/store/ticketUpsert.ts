import { Knex } from 'knex';
import { MirrorTicket } from '../mapping/ticketRow';
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
