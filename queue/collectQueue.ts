import { Knex } from 'knex';
import { Db } from '../core/db';
import { instantToUtc, utcToInstant } from '../core/time';
import { dueSql } from '../store/slaColumns';
import { Priority, TicketStatus } from '../core/ticketVocabulary';
import { QueueFilter, QueueRow, DueKind } from './queueTypes';
import { probeSchema } from './schemaProbe';

/** The raw row of the queue query; DATETIMEs arrive as UTC strings (core/db.ts `dateStrings`). */
interface RawQueueRow {
  id: number;
  number: string;
  subject: string;
  site_id: string;
  user_id: number | null;
  guest_email: string | null;
  order_id: number | null;
  category: string | null;
  priority: number;
  status: string;
  assigned_to: number | null;
  created_at: string;
  first_reply_at: string | null;
  first_reply_deadline: string | null;
  sla_deadline: string | null;
  due_at: string | null;
  due_kind: string | null;
  paused: number;
  customer_name: string | null;
  customer_email: string | null;
  customer_login: string | null;
  assignee_name: string | null;
  assignee_login: string | null;
  order_number: string | null;
}

/**
 * Open tickets by time left to their next SLA deadline (overdue first, tickets without a running
 * clock last), with the customer's and the assignee's names and the order number joined in.
 * `now` is bound into the SQL: the clock is the caller's, never the server's NOW().
 */
export async function collectQueue(db: Db, filter: QueueFilter, now: Date): Promise<QueueRow[]> {
  const schema = await probeSchema(db, ['bl_support_ticket', 'b_user', 'b_sale_order']);
  const due = dueSql(schema);
  const hasUsers = schema.hasTable('b_user');
  const hasOrders = schema.hasTable('b_sale_order');
  const query = db({ t: 'bl_support_ticket' })
    .select(
      't.id',
      't.number',
      't.subject',
      't.site_id',
      't.user_id',
      't.guest_email',
      't.order_id',
      't.category',
      't.priority',
      't.status',
      't.assigned_to',
      't.created_at',
      't.first_reply_at',
      't.first_reply_deadline',
      't.sla_deadline',
      db.raw(`${due.dueAt} AS due_at`),
      db.raw(`${due.dueKind} AS due_kind`),
      db.raw(schema.hasColumn('bl_support_ticket', 'sla_paused') ? 't.sla_paused AS paused' : '0 AS paused'),
      db.raw(hasUsers ? `${fullName('cu')} AS customer_name` : 'NULL AS customer_name'),
      db.raw(hasUsers ? 'cu.EMAIL AS customer_email' : 'NULL AS customer_email'),
      db.raw(hasUsers ? 'cu.LOGIN AS customer_login' : 'NULL AS customer_login'),
      db.raw(hasUsers ? `${fullName('au')} AS assignee_name` : 'NULL AS assignee_name'),
      db.raw(hasUsers ? 'au.LOGIN AS assignee_login' : 'NULL AS assignee_login'),
      db.raw(hasOrders ? 'o.ACCOUNT_NUMBER AS order_number' : 'NULL AS order_number'),
    )
    .where('t.is_open', 1);
  if (hasUsers) {
    query
      .leftJoin({ cu: 'b_user' }, 'cu.ID', 't.user_id')
      .leftJoin({ au: 'b_user' }, 'au.ID', 't.assigned_to');
  }
  if (hasOrders) query.leftJoin({ o: 'b_sale_order' }, 'o.ID', 't.order_id');
  // A ticket deleted in Bitrix keeps its mirror row (numbers are never reused) but is not work any more.
  if (schema.hasColumn('bl_support_ticket', 'deleted_at')) query.whereNull('t.deleted_at');
  applyFilter(query, filter, due.dueAt, now);
  query.orderByRaw(`(${due.dueAt}) IS NULL, ${due.dueAt}, t.priority DESC, t.id`).limit(filter.limit);
  const rows = (await query) as RawQueueRow[];
  return rows.map((row) => toQueueRow(row, now));
}

/** "Name Last-name" with blanks skipped; NULL when both are empty (Bitrix stores '' as often as NULL). */
function fullName(alias: string): string {
  return `NULLIF(TRIM(CONCAT_WS(' ', NULLIF(TRIM(${alias}.NAME), ''), NULLIF(TRIM(${alias}.LAST_NAME), ''))), '')`;
}

function applyFilter(query: Knex.QueryBuilder, filter: QueueFilter, dueAt: string, now: Date): void {
  if (filter.statuses?.length) query.whereIn('t.status', filter.statuses);
  if (filter.categories?.length) query.whereIn('t.category', filter.categories);
  if (filter.priorities?.length) query.whereIn('t.priority', filter.priorities);
  if (filter.siteIds?.length) query.whereIn('t.site_id', filter.siteIds);
  if (filter.assignee?.kind === 'none') query.whereNull('t.assigned_to');
  if (filter.assignee?.kind === 'user') query.where('t.assigned_to', filter.assignee.id);
  if (filter.overdue) query.whereRaw(`${dueAt} < ?`, [instantToUtc(now)]);
}

function toQueueRow(row: RawQueueRow, now: Date): QueueRow {
  const dueAt = utcToInstant(row.due_at);
  const minutesLeft = dueAt === null ? null : Math.floor((dueAt.getTime() - now.getTime()) / 60_000);
  const userId = row.user_id === null ? null : Number(row.user_id);
  return {
    id: Number(row.id),
    number: row.number,
    subject: row.subject,
    siteId: row.site_id,
    customer:
      userId === null
        ? row.guest_email
        : (row.customer_name ?? (row.customer_email || null) ?? row.customer_login ?? `user ${userId}`),
    customerUserId: userId,
    orderId: row.order_id === null ? null : Number(row.order_id),
    orderNumber: row.order_number ?? (row.order_id === null ? null : String(row.order_id)),
    category: row.category,
    priority: Number(row.priority) as Priority,
    status: row.status as TicketStatus,
    assigneeId: row.assigned_to === null ? null : Number(row.assigned_to),
    assigneeName:
      row.assigned_to === null
        ? null
        : (row.assignee_name ?? row.assignee_login ?? `user ${Number(row.assigned_to)}`),
    createdAt: utcToInstant(row.created_at) ?? now,
    firstReplyAt: utcToInstant(row.first_reply_at),
    firstReplyDeadline: utcToInstant(row.first_reply_deadline),
    slaDeadline: utcToInstant(row.sla_deadline),
    dueAt,
    dueKind: (row.due_kind as DueKind | null) ?? null,
    paused: Number(row.paused) === 1,
    minutesLeft,
    overdue: dueAt !== null && dueAt.getTime() < now.getTime(),
  };
}
