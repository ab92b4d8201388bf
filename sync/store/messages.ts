import { Knex } from 'knex';
import { MirrorMessage } from '../mapping/messageRow';
import { utcText } from '../nativeTime';

/** Writes and reads of bl_support_message (id = b_ticket_message.ID). */
type Reader = Knex | Knex.Transaction;

const COLUMNS = ['id', 'ticket_id', 'author_id', 'body', 'is_internal', 'is_staff', 'created_at'];
/** Keeps one statement well under max_allowed_packet (16 MiB on MariaDB, 64 MiB on MySQL 8). */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/** Multi-row upserts, split only when message bodies would make one statement too large. */
export async function upsertMessages(trx: Knex.Transaction, rows: MirrorMessage[]): Promise<void> {
  let chunk: MirrorMessage[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = row.body.length * 3 + 100;
    if (chunk.length > 0 && bytes + size > MAX_STATEMENT_BYTES) {
      await insertChunk(trx, chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) await insertChunk(trx, chunk);
}

async function insertChunk(trx: Knex.Transaction, rows: MirrorMessage[]): Promise<void> {
  const placeholders = `(${COLUMNS.map(() => '?').join(', ')})`;
  await trx.raw(
    `INSERT INTO bl_support_message (${COLUMNS.join(', ')}) VALUES ${rows.map(() => placeholders).join(', ')}
     ON DUPLICATE KEY UPDATE ticket_id = VALUES(ticket_id), author_id = VALUES(author_id), body = VALUES(body),
       is_internal = VALUES(is_internal), is_staff = VALUES(is_staff), created_at = VALUES(created_at)`,
    rows.flatMap((m) => [
      m.id,
      m.ticketId,
      m.authorId,
      m.body,
      m.isInternal ? 1 : 0,
      m.isStaff ? 1 : 0,
      utcText(m.createdAt),
    ]),
  );
}

/** Mirrored message IDs of a range of tickets, for the reconciliation. */
export async function mirroredMessageIds(
  db: Reader,
  fromTicketId: number,
  toTicketId: number,
): Promise<Array<{ id: number; ticketId: number }>> {
  const rows = await db('bl_support_message')
    .whereBetween('ticket_id', [fromTicketId, toTicketId])
    .select<Array<{ id: number; ticket_id: number }>>('id', 'ticket_id');
  return rows.map((r) => ({ id: Number(r.id), ticketId: Number(r.ticket_id) }));
}

export async function deleteMessages(trx: Knex.Transaction, ids: number[]): Promise<void> {
  if (ids.length) await trx('bl_support_message').whereIn('id', ids).delete();
}
