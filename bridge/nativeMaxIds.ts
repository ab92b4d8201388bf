import { Knex } from 'knex';
import { rawRows } from '../core/rawRows';

/** The newest b_ticket and b_ticket_message IDs. */
export interface NativeMaxIds {
  ticketId: number;
  messageId: number;
}

/**
 * The idle poll's "anything new?" probe: both MAX(ID)s in one statement, each read by the server from
 * the end of the primary key (no row examined). Bitrix writes a log line into b_ticket_message for
 * nearly every change of a ticket's fields, so an unchanged pair means no new rows to mirror.
 */
export async function readNativeMaxIds(db: Knex | Knex.Transaction): Promise<NativeMaxIds> {
  const rows = await rawRows<{ t: number | null; m: number | null }>(
    db,
    'SELECT (SELECT MAX(ID) FROM b_ticket) AS t, (SELECT MAX(ID) FROM b_ticket_message) AS m',
  );
  return { ticketId: Number(rows[0].t ?? 0), messageId: Number(rows[0].m ?? 0) };
}
