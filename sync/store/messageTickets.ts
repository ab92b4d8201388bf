import { Knex } from 'knex';
import { idsSql } from './idSpan';
import { MirrorTicketState } from './tickets';

/**
 * What the message phase reads of the tickets its messages belong to: whether they are mirrored, their
 * opening message, owner, order link and state signature. Only these columns: a backfill reads them for
 * every ticket, and the rest of the row (the subject above all) would be decoded for nothing.
 */
export type MessageTicketState = Pick<
  MirrorTicketState,
  'id' | 'userId' | 'orderId' | 'firstMessageId' | 'nativeState' | 'isOpen'
>;

export async function readMessageTickets(
  db: Knex | Knex.Transaction,
  ids: number[],
): Promise<Map<number, MessageTicketState>> {
  if (ids.length === 0) return new Map();
  const rows = await db('bl_support_ticket').whereRaw(idsOrRange(ids)).select<
    Array<{
      id: number;
      user_id: number | null;
      order_id: number | null;
      first_message_id: number | null;
      native_state: string | null;
      is_open: number;
    }>
  >('id', 'user_id', 'order_id', 'first_message_id', 'native_state', 'is_open');
  const wanted = new Set(ids);
  const tickets = new Map<number, MessageTicketState>();
  for (const r of rows) {
    if (!wanted.has(Number(r.id))) continue;
    tickets.set(Number(r.id), {
      id: Number(r.id),
      userId: r.user_id === null ? null : Number(r.user_id),
      orderId: r.order_id === null ? null : Number(r.order_id),
      firstMessageId: r.first_message_id === null ? null : Number(r.first_message_id),
      nativeState: r.native_state,
      isOpen: Number(r.is_open) === 1,
    });
  }
  return tickets;
}

/**
 * The tickets of a backfill's message batch are a run of consecutive IDs, more than a thousand of
 * them: read by range (see IdSpan), which the server answers in one index scan. Scattered IDs (a live
 * poll's) are read by list; the caller keeps only the tickets it asked for.
 */
function idsOrRange(ids: number[]): string {
  let low = ids[0];
  let high = ids[0];
  for (const id of ids) {
    if (id < low) low = id;
    if (id > high) high = id;
  }
  return idsSql('id', high - low < 2 * ids.length ? { after: low - 1, upTo: high } : ids);
}
