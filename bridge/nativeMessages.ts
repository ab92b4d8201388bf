import { Knex } from 'knex';
import { idList } from './sqlIdList';

/**
 * Reads of b_ticket_message for the sync: by primary key after the message cursor, or by ticket through
 * IX_TICKET_ID for the reconciliation. Only the columns the sync decides on: bodies are copied from
 * table to table by the server (sync/store/messages.ts), and read here only for the few messages whose
 * text is searched for an order number. MESSAGE_SEARCH (an upper-cased copy) is never read.
 */
type Reader = Knex | Knex.Transaction;

export interface NativeMessage {
  ID: number;
  TICKET_ID: number;
  DATE_CREATE: string | null;
  TIMESTAMP_X: string | null;
  IS_HIDDEN: string;
  IS_LOG: string;
  OWNER_USER_ID: number | null;
  /** 'Y' staff, 'N' client, NULL when the module did not know (no user). */
  MESSAGE_BY_SUPPORT_TEAM: string | null;
  CREATED_MODULE_NAME: string | null;
}

const COLUMNS = [
  'ID',
  'TICKET_ID',
  'DATE_CREATE',
  'TIMESTAMP_X',
  'IS_HIDDEN',
  'IS_LOG',
  'OWNER_USER_ID',
  'MESSAGE_BY_SUPPORT_TEAM',
  'CREATED_MODULE_NAME',
];

/** The b_ticket_message columns the sync reads (MESSAGE too: bodies are copied by the server). */
export const MESSAGE_COLUMNS_READ: readonly string[] = [...COLUMNS, 'MESSAGE'];

export async function readMessagesAfter(
  db: Reader,
  afterId: number,
  limit: number,
): Promise<NativeMessage[]> {
  return db('b_ticket_message').select(COLUMNS).where('ID', '>', afterId).orderBy('ID').limit(limit);
}

export async function readMessagesByIds(db: Reader, ids: number[]): Promise<NativeMessage[]> {
  if (ids.length === 0) return [];
  return db('b_ticket_message')
    .select(COLUMNS)
    .whereRaw(`ID IN (${idList(ids)})`)
    .orderBy('ID');
}

/** The texts of a few messages (opening messages searched for an order number). */
export async function readMessageBodies(db: Reader, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db('b_ticket_message')
    .whereRaw(`ID IN (${idList(ids)})`)
    .select<Array<{ ID: number; MESSAGE: string | null }>>('ID', 'MESSAGE');
  return new Map(rows.map((r) => [Number(r.ID), r.MESSAGE ?? '']));
}

export async function maxMessageId(db: Reader): Promise<number> {
  const rows = await db('b_ticket_message').max<{ m: number | null }[]>({ m: 'ID' });
  return Number(rows[0].m ?? 0);
}

/**
 * IDs of the non-log messages of a range of tickets up to a message ID, for the reconciliation to find
 * messages the cursor passed by (a row committed after a higher ID was already read) or that were deleted.
 */
export async function nonLogMessageIds(
  db: Reader,
  fromTicketId: number,
  toTicketId: number,
  upToMessageId: number,
): Promise<Array<{ ID: number; TICKET_ID: number }>> {
  return db('b_ticket_message')
    .select('ID', 'TICKET_ID')
    .whereBetween('TICKET_ID', [fromTicketId, toTicketId])
    .andWhere('ID', '<=', upToMessageId)
    .andWhere('IS_LOG', '<>', 'Y')
    .orderBy('ID');
}
