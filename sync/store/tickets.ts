import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';
import { idList } from '../../core/sqlIdList';
import { derivedRows, JoinedColumn, updateJoined } from '../../core/joinedUpdate';
import { IdSpan, idsSql } from './idSpan';
import { MirrorMessage } from '../mapping/messageRow';
import { sqlNumber, sqlTime } from '../../core/sqlValues';
import { slaStaleAssignments } from '../../store/slaColumns';

/**
 * Writes of bl_support_ticket. Each column has one owner: the ticket mapping (ticketUpsert.ts), the
 * message phase (first message, first reply), the order linker (order_id/order_source). Writers never
 * overwrite each other's columns, so two phases running at once cannot undo each other's work.
 */
type Reader = Knex | Knex.Transaction;

export interface MirrorTicketState {
  id: number;
  number: string;
  userId: number | null;
  subject: string;
  orderId: number | null;
  orderSource: string | null;
  firstMessageId: number | null;
  isOpen: boolean;
  reopenCount: number;
  deleted: boolean;
  nativeState: string | null;
}

export async function readMirrorTickets(db: Reader, ids: number[]): Promise<Map<number, MirrorTicketState>> {
  if (ids.length === 0) return new Map();
  const rows = await db('bl_support_ticket')
    .whereRaw(`id IN (${idList(ids)})`)
    .select(
      'id',
      'number',
      'user_id',
      'subject',
      'order_id',
      'order_source',
      'first_message_id',
      'is_open',
      'reopen_count',
      'deleted_at',
      'native_state',
    );
  return new Map(
    rows.map((r: Record<string, unknown>) => [
      Number(r.id),
      {
        id: Number(r.id),
        number: String(r.number),
        userId: r.user_id === null ? null : Number(r.user_id),
        subject: String(r.subject),
        orderId: r.order_id === null ? null : Number(r.order_id),
        orderSource: (r.order_source as string | null) ?? null,
        firstMessageId: r.first_message_id === null ? null : Number(r.first_message_id),
        isOpen: Number(r.is_open) === 1,
        reopenCount: Number(r.reopen_count),
        deleted: r.deleted_at !== null,
        nativeState: (r.native_state as string | null) ?? null,
      },
    ]),
  );
}

/** IDs of the mirror rows within a span (the ticket phase's check before it inserts a batch). */
export async function mirroredTicketIdsIn(db: Reader, span: IdSpan): Promise<number[]> {
  const rows = await db('bl_support_ticket').whereRaw(idsSql('id', span)).select<Array<{ id: number }>>('id');
  return rows.map((r) => Number(r.id));
}

/**
 * After a batch of messages is mirrored: the opening message is the lowest visible message ID (kept
 * when already known), the first reply the earliest visible staff message (the earlier of ours and the
 * batch's). Node has the batch's messages at hand, so it folds them per ticket and sends one row per
 * ticket: the server used to group the rows it had just written, and reading them back (bodies and all,
 * in the clustered index) cost it more than the update. The literals are what the message copy stored
 * (messages.ts: created_at is DATE_CREATE minus the offset Node computed, is_staff Node's decision).
 * Messages are SLA history, so the same statement marks the tickets' SLA stale and moves their version
 * on, as store/slaColumns.ts markSlaStale does: every ticket with a message in the batch has a row in
 * the derived table, so these are the tickets markSlaStale would be given.
 */
export async function applyMessageFacts(
  trx: Knex.Transaction,
  messages: readonly MirrorMessage[],
): Promise<void> {
  const facts = foldMessageFacts(messages);
  if (facts.length === 0) return;
  const low = facts[0].ticketId;
  const high = facts[facts.length - 1].ticketId;
  if (high - low < 2 * facts.length) return applyFactsByPosition(trx, facts, low, high);
  // Written out as literals (a batch has a row per ticket, thousands of values).
  const derived = derivedRows(
    FACT_COLUMNS,
    facts.map((f) => [sqlNumber(f.ticketId), sqlNumber(f.firstMessageId), sqlTime(f.firstReplyAt)]),
  );
  await trx.raw(
    `UPDATE bl_support_ticket t
       JOIN (${derived}) v ON v.id = t.id
        SET t.first_message_id = COALESCE(t.first_message_id, v.fm),
            t.first_reply_at = CASE WHEN v.fr IS NULL THEN t.first_reply_at
                                    WHEN t.first_reply_at IS NULL OR t.first_reply_at > v.fr THEN v.fr
                                    ELSE t.first_reply_at END,
            ${slaStaleAssignments('t')}`,
  );
}

/**
 * applyMessageFacts for a run of ticket IDs with few gaps (a backfill's batch): each value list is one
 * ELT() indexed by the ticket's place in the run, read in constant time, where the derived table's
 * UNION ALL of a thousand SELECTs cost the server about as much again as the update itself. A NULL
 * place is a ticket of the run without messages in the batch: left alone.
 */
async function applyFactsByPosition(
  trx: Knex.Transaction,
  facts: readonly MessageFacts[],
  low: number,
  high: number,
): Promise<void> {
  const fm = new Array<string>(high - low + 1).fill('NULL');
  const fr = new Array<string>(high - low + 1).fill('NULL');
  const member = new Array<string>(high - low + 1).fill('NULL');
  for (const f of facts) {
    const at = f.ticketId - low;
    fm[at] = sqlNumber(f.firstMessageId);
    fr[at] = sqlTime(f.firstReplyAt);
    member[at] = '1';
  }
  const place = `t.id - ${sqlNumber(low - 1)}`;
  const reply = `CAST(ELT(${place}, ${fr.join(', ')}) AS DATETIME)`;
  // LEAST is NULL when either side is: then whichever is not NULL (the earlier of the two otherwise).
  await trx.raw(
    `UPDATE bl_support_ticket t
        SET t.first_message_id = COALESCE(t.first_message_id, CAST(ELT(${place}, ${fm.join(', ')}) AS SIGNED)),
            t.first_reply_at = COALESCE(LEAST(t.first_reply_at, ${reply}), ${reply}, t.first_reply_at),
            ${slaStaleAssignments('t')}
      WHERE ${idsSql('t.id', { after: low - 1, upTo: high })} AND ELT(${place}, ${member.join(', ')}) IS NOT NULL`,
  );
}

const FACT_COLUMNS: readonly JoinedColumn[] = [
  { name: 'fm', cast: 'SIGNED' },
  { name: 'fr', cast: 'DATETIME' },
];

interface MessageFacts {
  ticketId: number;
  /** The lowest visible message ID of the batch. */
  firstMessageId: number | null;
  /** The earliest visible staff message of the batch. */
  firstReplyAt: Date | null;
}

/** Per ticket of the batch (every one, for the stale mark), what its messages tell; by ticket ID. */
function foldMessageFacts(messages: readonly MirrorMessage[]): MessageFacts[] {
  const byTicket = new Map<number, MessageFacts>();
  for (const m of messages) {
    let f = byTicket.get(m.ticketId);
    if (!f) {
      f = { ticketId: m.ticketId, firstMessageId: null, firstReplyAt: null };
      byTicket.set(m.ticketId, f);
    }
    if (m.isInternal) continue;
    if (f.firstMessageId === null || m.id < f.firstMessageId) f.firstMessageId = m.id;
    if (m.isStaff && (f.firstReplyAt === null || m.createdAt.getTime() < f.firstReplyAt.getTime()))
      f.firstReplyAt = m.createdAt;
  }
  return [...byTicket.values()].sort((a, b) => a.ticketId - b.ticketId);
}

/** `nativeState`, when given, replaces the stored signature (after a UF write-back). */
export async function applyOrderLinks(
  trx: Knex.Transaction,
  links: Array<{
    id: number;
    orderId: number | null;
    orderSource: string | null;
    nativeState?: string | null;
  }>,
): Promise<void> {
  await updateJoined(
    trx,
    'bl_support_ticket',
    [
      { name: 'order_id', cast: 'SIGNED' },
      { name: 'order_source', cast: 'CHAR' },
      { name: 'native_state', cast: 'CHAR' },
    ],
    links.map((l) => [l.id, l.orderId, l.orderSource, l.nativeState ?? null]),
    't.order_id = v.order_id, t.order_source = v.order_source, t.native_state = COALESCE(v.native_state, t.native_state)',
  );
}

/** A ticket gone from b_ticket keeps its row and number, leaves the open set and is marked. */
export async function markDeleted(trx: Knex.Transaction, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx('bl_support_ticket')
    .whereIn('id', ids)
    .whereNull('deleted_at')
    .update({ deleted_at: instantToUtc(now), is_open: 0 });
}
