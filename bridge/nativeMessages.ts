import { Knex } from 'knex';
import { digestFromRow, IdSetDigest, idSetDigestColumns } from './idSetDigest';
import { idList } from '../core/sqlIdList';
import { rawRows } from '../core/rawRows';

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
 * The index of b_ticket_message that starts with TICKET_ID (IX_TICKET_ID in the module's install
 * script), found by its column rather than trusted by name; null when the site has none. The
 * reconciliation's reads by a range of tickets name it: the optimizer otherwise takes the primary key
 * for "ID <= cursor" and reads the whole table, on a small site or a big range.
 */
export async function messageTicketIndex(db: Reader): Promise<string | null> {
  const row = (await db('information_schema.STATISTICS')
    .whereRaw('TABLE_SCHEMA = DATABASE()')
    .andWhere({ TABLE_NAME: 'b_ticket_message', COLUMN_NAME: 'TICKET_ID', SEQ_IN_INDEX: 1 })
    .first('INDEX_NAME as name')) as { name: string } | undefined;
  return row?.name ?? null;
}

/** b_ticket_message, through the TICKET_ID index when there is one. */
function byTicket(index: string | null): string {
  return index ? `b_ticket_message FORCE INDEX (\`${index.replace(/`/g, '``')}\`)` : 'b_ticket_message';
}

/** A range of tickets' messages: which, and up to which message ID. */
export interface TicketRangeRead {
  fromTicketId: number;
  toTicketId: number;
  upToMessageId: number;
  /** messageTicketIndex. */
  index: string | null;
}

/**
 * IDs of the non-log messages of a range of tickets up to a message ID, for the reconciliation to find
 * messages the cursor passed by (a row committed after a higher ID was already read) or that were deleted.
 */
export async function nonLogMessageIds(
  db: Reader,
  range: TicketRangeRead,
): Promise<Array<{ ID: number; TICKET_ID: number }>> {
  const rows = await rawRows<{ ID: number; TICKET_ID: number }>(
    db,
    `SELECT ID, TICKET_ID FROM ${byTicket(range.index)}
      WHERE TICKET_ID BETWEEN ? AND ? AND ID <= ? AND IS_LOG <> 'Y' ORDER BY ID`,
    [range.fromTicketId, range.toTicketId, range.upToMessageId],
  );
  return rows;
}

/**
 * The digest (bridge/idSetDigest.ts) of what nonLogMessageIds would return, computed by the server
 * through the TICKET_ID index and the rows themselves (IS_LOG is not in the index): nothing is sent
 * back but one row. `examined` counts every row of the range's tickets, log lines and rows past the
 * cursor too: the server reads them all.
 */
export async function nonLogMessageDigest(db: Reader, range: TicketRangeRead): Promise<IdSetDigest> {
  const member = `ID <= ${idList([range.upToMessageId])} AND IS_LOG <> 'Y'`;
  const rows = await rawRows<Parameters<typeof digestFromRow>[0]>(
    db,
    `SELECT ${idSetDigestColumns('ID', member)} FROM ${byTicket(range.index)} WHERE TICKET_ID BETWEEN ? AND ?`,
    [range.fromTicketId, range.toTicketId],
  );
  return digestFromRow(rows[0]);
}
