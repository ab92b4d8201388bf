import { Db } from '../core/db';
import { tableExists } from '../schema/migrator';
import { fillPlaceholders, PlaceholderFallbacks, PlaceholderValues } from '../templates/reply/placeholders';
import { columnCharset, fitToCharset } from '../bridge/nativeText';
import { reindexTicket, searchIndexEnabled } from '../bridge/ticketSearch';

/**
 * An operator who picks one of our frequently used answers in the Bitrix reply form sends its text with
 * the placeholders still in it (Bitrix knows nothing of them). Before the reply is mailed we fill them in
 * the native message itself — MESSAGE and its upper-cased copy MESSAGE_SEARCH, as the module writes
 * them — so the customer reads the same filled text in the mail and on the site. Our mirror's copy
 * (bl_support_message.body) follows.
 *
 * The row is read again under a lock and compared with what the values were computed from: if the
 * message was edited meanwhile, the new text is expanded instead of overwriting the edit. Filled values
 * are fitted to the column's charset (utf8mb3 holds no 4-byte characters). Where the module keeps its
 * search index, the ticket's index is written again so it holds the filled words (bridge/ticketSearch.ts).
 */
export async function expandMessageInPlace(
  db: Db,
  messageId: number,
  values: PlaceholderValues,
  fallbacks: PlaceholderFallbacks,
): Promise<string> {
  const charset = await columnCharset(db, 'b_ticket_message', 'MESSAGE');
  const mirrored = await tableExists(db, 'bl_support_message');
  const indexed = await searchIndexEnabled(db);
  return db.transaction(async (trx) => {
    const row = (await trx('b_ticket_message')
      .where('ID', messageId)
      .forUpdate()
      .first('MESSAGE', 'TICKET_ID')) as { MESSAGE: string | null; TICKET_ID: number } | undefined;
    const current = String(row?.MESSAGE ?? '');
    const filled = fitToCharset(fillPlaceholders(current, values, fallbacks), charset);
    if (!row || filled === current) return current;
    await trx('b_ticket_message')
      .where('ID', messageId)
      .update({ MESSAGE: filled, MESSAGE_SEARCH: filled.toUpperCase() });
    if (mirrored) await trx('bl_support_message').where('id', messageId).update({ body: filled });
    if (indexed) await reindexTicket(trx, Number(row.TICKET_ID));
    return filled;
  });
}
