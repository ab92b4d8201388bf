import { serialize } from 'php-serialize';
import { Db } from '../../core/db';
import { instantToNative } from '../../core/time';
import { columnCharset, fitToCharset } from '../nativeText';
import { MailTransport, OutgoingMail } from './transport';

/**
 * Hands mails to Bitrix's own mail queue: one b_event row per mail, EVENT_NAME our event type, LID the
 * site, C_FIELDS the PHP-serialize()d string-keyed field array (the #FIELD# macros of the b_event_message
 * templates the installer registers), DUPLICATE 'N' (no copy to the site's admin address),
 * SUCCESS_EXEC 'N' (waiting). The row is written in the transaction that marks the outbox row 'sent', so
 * each event is queued exactly once.
 *
 * PITFALL: Bitrix sends b_event from page hits or cron, a few rows per run, and caches "the queue is
 * empty" (managed cache, up to an hour); only its own PHP CEvent::Send clears that flag. A row inserted
 * by SQL, as here, can therefore wait up to an hour on a quiet site. SMTP is the dependable default; use
 * this transport when mail must go through Bitrix's templates and mail settings.
 */
export interface BitrixTransportOptions {
  db: Db;
  /** The zone native DATETIMEs are written in (DATE_INSERT is local wall-clock time). */
  zone: string;
}

export function createBitrixTransport({ db, zone }: BitrixTransportOptions): MailTransport {
  let charset: Promise<string | null> | null = null;
  return {
    name: 'bitrix',
    transactional: true,
    async send(mail, { trx, now }) {
      charset ??= columnCharset(db, 'b_event', 'C_FIELDS');
      const row = bitrixEventRow(mail, await charset, instantToNative(now, zone));
      await (trx ?? db)('b_event').insert(row);
    },
    async close() {},
  };
}

/** The b_event row of a mail; C_FIELDS values are fitted to the column's charset before serializing. */
export function bitrixEventRow(
  mail: Pick<OutgoingMail, 'eventType' | 'siteId' | 'languageId' | 'fields'>,
  charset: string | null,
  dateInsert: string,
): Record<string, string | null> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(mail.fields)) fields[key] = fitToCharset(value, charset);
  return {
    EVENT_NAME: mail.eventType,
    MESSAGE_ID: null,
    LID: mail.siteId,
    C_FIELDS: serialize(fields),
    DATE_INSERT: dateInsert,
    DATE_EXEC: null,
    SUCCESS_EXEC: 'N',
    DUPLICATE: 'N',
    LANGUAGE_ID: mail.languageId,
  };
}
