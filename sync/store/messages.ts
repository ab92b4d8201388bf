import { Knex } from 'knex';
import { MirrorMessage } from '../mapping/messageRow';
import { instantToUtc } from '../../core/time';
import { digestFromRow, IdSetDigest, idSetDigestColumns } from '../../bridge/idSetDigest';
import { idList } from '../../core/sqlIdList';
import { IdSpan, idsSql } from './idSpan';
import { rawRows, rawWrite } from '../../core/rawRows';

/**
 * Writes and reads of bl_support_message (id = b_ticket_message.ID). The body goes from table to table
 * inside the server (INSERT … SELECT): a backfill moves gigabytes of text that Node would only decode,
 * escape and send back. Node decides the other columns and passes them in as ID lists. The body is
 * LONGTEXT like b_ticket_message.MESSAGE (migration 004), so it is copied whole.
 */
type Reader = Knex | Knex.Transaction;

/**
 * created_at as SQL: DATE_CREATE minus the site zone's offset, which the caller computed in Node (the
 * same numbers core/time.ts gives; usually one offset per batch, two across a DST change); rows whose
 * DATE_CREATE was unusable (zero, NULL) get their fallback instant as a literal.
 */
function createdAtSql(messages: MirrorMessage[], bind: (value: string) => string): string {
  const byOffset = new Map<number, number[]>();
  const literal: MirrorMessage[] = [];
  for (const m of messages) {
    if (!m.fromDateCreate) {
      literal.push(m);
      continue;
    }
    const list = byOffset.get(m.offsetSeconds!) ?? [];
    list.push(m.id);
    byOffset.set(m.offsetSeconds!, list);
  }
  const groups = [...byOffset.entries()].sort((a, b) => b[1].length - a[1].length);
  const branches: string[] = literal.map(
    (m) => `WHEN m.ID = ${m.id} THEN CAST(${bind(instantToUtc(m.createdAt))} AS DATETIME)`,
  );
  for (const [offset, ids] of groups.slice(1))
    branches.push(`WHEN m.ID IN (${idList(ids)}) THEN DATE_SUB(m.DATE_CREATE, INTERVAL ${offset} SECOND)`);
  const main = groups.length ? `DATE_SUB(m.DATE_CREATE, INTERVAL ${groups[0][0]} SECOND)` : 'NULL';
  return branches.length ? `CASE ${branches.join(' ')} ELSE ${main} END` : main;
}

/**
 * One INSERT … SELECT for a batch; running it again rewrites the same values. `emptySpan`: the batch
 * is every non-log message in that span, and the mirror held none of them before (the caller checked,
 * under the cursor lock). The rows are then selected by range, which the server does in one pass, where
 * an ID list of thousands costs it a lookup per value (a fifth of the statement). Should the range give
 * other rows than the batch read (a message committed into the span since, out of ID order), what it
 * wrote is taken back and the batch copied by its IDs: a message the batch did not read is left to the
 * reconciliation, as it always was.
 */
export async function copyMessages(
  trx: Knex.Transaction,
  messages: MirrorMessage[],
  emptySpan: IdSpan | null = null,
): Promise<void> {
  if (messages.length === 0) return;
  if (emptySpan) {
    const where = `${idsSql('m.ID', emptySpan)} AND (m.IS_LOG IS NULL OR CAST(m.IS_LOG AS BINARY) <> 'Y')`;
    if ((await insertSelect(trx, messages, where)) === messages.length) return;
    await trx.raw(`DELETE FROM bl_support_message WHERE ${idsSql('id', emptySpan)}`);
  }
  await insertSelect(trx, messages, `m.ID IN (${idList(messages.map((m) => m.id))})`);
}

/**
 * The copy itself; returns the affected-row count (1 per row inserted, 2 per row updated). The flags are
 * compared as bytes (`<=>`: NULL is not 'Y'), as Node's mapping compares them (messageRow.ts).
 */
async function insertSelect(
  trx: Knex.Transaction,
  messages: MirrorMessage[],
  where: string,
): Promise<number> {
  const bindings: string[] = [];
  const bind = (value: string) => {
    bindings.push(value);
    return '?';
  };
  const result = await rawWrite(
    trx,
    `INSERT INTO bl_support_message (id, ticket_id, author_id, body, is_internal, is_staff, created_at)
     SELECT m.ID, m.TICKET_ID, NULLIF(m.OWNER_USER_ID, 0), COALESCE(m.MESSAGE, ''),
            CAST(m.IS_HIDDEN AS BINARY) <=> 'Y', ${staffSql(messages)}, ${createdAtSql(messages, bind)}
       FROM b_ticket_message m
      WHERE ${where}
     ON DUPLICATE KEY UPDATE ticket_id = VALUES(ticket_id), author_id = VALUES(author_id), body = VALUES(body),
       is_internal = VALUES(is_internal), is_staff = VALUES(is_staff), created_at = VALUES(created_at)`,
    bindings,
  );
  return result.affectedRows;
}

/**
 * is_staff as SQL: the side the module recorded ('Y', compared as bytes as Node compares it), and by ID
 * the messages Node classed as staff without it (messageRow.ts isStaffMessage); a message of neither
 * kind is a client's.
 */
function staffSql(messages: MirrorMessage[]): string {
  const recorded = `CAST(m.MESSAGE_BY_SUPPORT_TEAM AS BINARY) = 'Y'`;
  const others = messages.filter((m) => m.isStaff && !m.staffRecorded).map((m) => m.id);
  return others.length
    ? `COALESCE(${recorded} OR m.ID IN (${idList(others)}), 0)`
    : `COALESCE(${recorded}, 0)`;
}

/** Whether the mirror holds a message within the span (the message phase's check before a batch). */
export async function anyMirroredMessageIn(db: Reader, span: IdSpan): Promise<boolean> {
  return (await db('bl_support_message').whereRaw(idsSql('id', span)).first('id')) !== undefined;
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

/**
 * The digest (bridge/idSetDigest.ts) of the mirrored messages of a range of tickets up to a message ID,
 * leaving out tickets Bitrix no longer has (`goneTickets`): the reconciliation leaves their messages be,
 * so they are not part of what it compares. Read from the (ticket_id, …) index alone.
 */
export async function mirroredMessageDigest(
  db: Reader,
  fromTicketId: number,
  toTicketId: number,
  upToMessageId: number,
  goneTickets: readonly number[],
): Promise<IdSetDigest> {
  const upTo = idList([upToMessageId]);
  const member = goneTickets.length
    ? `id <= ${upTo} AND ticket_id NOT IN (${idList(goneTickets)})`
    : `id <= ${upTo}`;
  const rows = await rawRows<Parameters<typeof digestFromRow>[0]>(
    db,
    `SELECT ${idSetDigestColumns('id', member)} FROM bl_support_message WHERE ticket_id BETWEEN ? AND ?`,
    [fromTicketId, toTicketId],
  );
  return digestFromRow(rows[0]);
}

export async function deleteMessages(trx: Knex.Transaction, ids: number[]): Promise<void> {
  if (ids.length) await trx('bl_support_message').whereIn('id', ids).delete();
}
