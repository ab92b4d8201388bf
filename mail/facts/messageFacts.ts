import { Db } from '../../core/db';

/** A b_ticket_message row as the reply mail needs it. */
export interface MessageFacts {
  id: number;
  ticketId: number;
  text: string;
  authorUserId: number | null;
  hidden: boolean;
  log: boolean;
  /**
   * MESSAGE_BY_SUPPORT_TEAM = 'N': written by the client. NULL (no side recorded) is not "client": the
   * sync decides such authors by staff membership, and only queues replies it found to be staff's.
   */
  byClient: boolean;
}

export async function loadMessage(db: Db, messageId: number): Promise<MessageFacts | null> {
  const row = (await db('b_ticket_message')
    .where('ID', messageId)
    .first(
      'ID',
      'TICKET_ID',
      'MESSAGE',
      'OWNER_USER_ID',
      'IS_HIDDEN',
      'IS_LOG',
      'MESSAGE_BY_SUPPORT_TEAM',
    )) as Record<string, string | number | null> | undefined;
  if (!row) return null;
  const author = Number(row.OWNER_USER_ID);
  return {
    id: Number(row.ID),
    ticketId: Number(row.TICKET_ID),
    text: String(row.MESSAGE ?? ''),
    authorUserId: Number.isInteger(author) && author > 0 ? author : null,
    hidden: row.IS_HIDDEN === 'Y',
    log: row.IS_LOG === 'Y',
    byClient: row.MESSAGE_BY_SUPPORT_TEAM === 'N',
  };
}
