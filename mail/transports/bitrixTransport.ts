import { bitrixCacheOf } from '../../bridge/bitrixCache';
import { NativeColumns } from '../../bridge/nativeColumns';
import { Knex } from 'knex';
import { Db } from '../../core/db';
import { Logger } from '../../core/logger';
import { instantToNative } from '../../core/time';
import { fitToCharset } from '../../bridge/nativeText';
import { serializeStringMap } from '../phpSerialize';
import { MailTransport, OutgoingMail } from './transport';

/**
 * Hands mails to Bitrix's own mail queue: one b_event row per mail, EVENT_NAME our event type, LID the
 * site, C_FIELDS the PHP-serialize()d string-keyed field array (the #FIELD# macros of the b_event_message
 * templates the installer registers), DUPLICATE 'N' (no copy to the site's admin address),
 * SUCCESS_EXEC 'N' (waiting). The row is written in the transaction that marks the outbox row 'sent', so
 * each event is queued exactly once.
 *
 * LANGUAGE_ID is the language of the site, the one our templates are registered in
 * (mail/install/registerMailEvents.ts): Bitrix sends a row only with a template of the row's language
 * or of none, and drops it otherwise (SUCCESS_EXEC '0'). The row is cut to the columns b_event has.
 *
 * Bitrix caches "the queue is empty" (managed cache "events", up to an hour) and only its own
 * CEvent::Send clears that flag. Like CEvent::Send, the transport clears it before adding the row when
 * the site root is known and the cache is in files (bridge/bitrixCache.ts); otherwise a row can wait up
 * to an hour on a quiet site, which `bxsup status` says. SMTP is the dependable default.
 */
export interface BitrixTransportOptions {
  db: Db;
  /** The zone native DATETIMEs are written in (DATE_INSERT is local wall-clock time). */
  zone: string;
  /** The site's document root (db.bitrixRoot), for Bitrix's mail queue flag. */
  bitrixRoot?: string;
  logger?: Logger;
}

export function createBitrixTransport({
  db,
  zone,
  bitrixRoot,
  logger,
}: BitrixTransportOptions): MailTransport {
  let shape: Promise<EventTableShape> | null = null;
  const cache = bitrixCacheOf(bitrixRoot);
  let adviceGiven = false;
  return {
    name: 'bitrix',
    transactional: true,
    async send(mail, { trx, now }) {
      // Read in the send's own transaction when there is one: the sender may hold every pooled connection.
      shape ??= readEventTableShape(trx ?? db);
      const { columns, languages } = await shape;
      const row = bitrixEventRow(
        { ...mail, languageId: languages.get(mail.siteId) ?? mail.languageId },
        columns.column('b_event', 'C_FIELDS')?.charset ?? null,
        instantToNative(now, zone),
      );
      const cleared = cache.clearMailQueueFlag();
      if (!cleared.cleared && !adviceGiven) {
        adviceGiven = true;
        logger?.warn(`Bitrix may hold mails in b_event for up to an hour: ${cleared.advice}`, {
          module: 'mail',
        });
      }
      await (trx ?? db)('b_event').insert(columns.pick('b_event', row));
    },
    async close() {},
  };
}

interface EventTableShape {
  columns: NativeColumns;
  /** Each site's language (b_lang.LANGUAGE_ID), lower case. */
  languages: Map<string, string>;
}

async function readEventTableShape(db: Db | Knex.Transaction): Promise<EventTableShape> {
  const [columns, sites] = await Promise.all([
    NativeColumns.read(db, ['b_event']),
    db('b_lang').select('LID', 'LANGUAGE_ID') as Promise<Array<{ LID: string; LANGUAGE_ID: string | null }>>,
  ]);
  return {
    columns,
    languages: new Map(
      sites.filter((s) => s.LANGUAGE_ID).map((s) => [s.LID, String(s.LANGUAGE_ID).toLowerCase()]),
    ),
  };
}

/**
 * The b_event row of a mail. C_FIELDS values are fitted to the column's charset, then serialized with
 * lengths in that charset's bytes (mail/phpSerialize.ts), so PHP's unserialize() reads them on a cp1251
 * site as on a UTF-8 one. `languageId` is the site's (see above).
 */
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
    C_FIELDS: serializeStringMap(fields, charset),
    DATE_INSERT: dateInsert,
    DATE_EXEC: null,
    SUCCESS_EXEC: 'N',
    DUPLICATE: 'N',
    LANGUAGE_ID: mail.languageId,
  };
}
