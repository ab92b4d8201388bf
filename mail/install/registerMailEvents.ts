import { Db } from '../../core/db';
import { readSites } from '../../bridge/bitrixTables';
import { insertStatement, NativeColumns } from '../../bridge/nativeColumns';
import { recordNativeChange } from '../../store/nativeChanges';
import { inTransaction, SqlRunner } from '../../core/sqlRunner';
import { eventFieldsDescription, eventText } from '../../templates/bitrix/eventMessages';
import { MAIL_EVENT_TYPES } from '../eventTypes';
import { columnCharset, fitToCharset } from '../../bridge/nativeText';

/**
 * Registers our mail event types in Bitrix (b_event_type, one row per event and site language) and a
 * default template per event and site (b_event_message + b_event_message_site), for the bitrix
 * transport. Each addition is journaled first (kinds event_type / event_message); uninstall removes
 * them. A site that already has a template for one of our events (an admin's) is left alone.
 */
export const MAIL_EVENT_TABLES = ['b_event_type', 'b_event_message', 'b_event_message_site'] as const;

/**
 * Each row is cut down to the columns the site's tables have (main 18.x's b_event_type has no
 * EVENT_TYPE, older b_event_message no LANGUAGE_ID): what is printed by a dry run is what runs.
 */
export async function registerMailEvents(db: Db, runner: SqlRunner, now: Date): Promise<string[]> {
  const columns = await NativeColumns.read(db, MAIL_EVENT_TABLES);
  if (!MAIL_EVENT_TABLES.every((t) => columns.hasTable(t))) return [];
  const added: string[] = [];
  const sites = await readSites(db);
  const fit = await textFitter(db);
  const languages = [...new Set(sites.map((s) => s.languageId.toLowerCase()))];
  for (const language of languages) {
    for (const type of MAIL_EVENT_TYPES) {
      if (await db('b_event_type').where({ EVENT_NAME: type, LID: language }).first('ID')) continue;
      await inTransaction(db, runner, async (tx) => {
        await recordNativeChange(
          tx,
          'event_type',
          `${language}:${type}`,
          { languageId: language, eventName: type },
          now,
        );
        const insert = insertStatement(
          'b_event_type',
          columns.pick('b_event_type', {
            LID: language,
            EVENT_NAME: type,
            NAME: fit(eventText(language, type).name).slice(0, 100),
            DESCRIPTION: fit(eventFieldsDescription(language, type)),
            SORT: 150,
            EVENT_TYPE: 'email',
          }),
        );
        await tx.run(insert.sql, insert.bindings);
      });
      added.push(`event type ${type} (${language})`);
    }
  }
  for (const site of sites) {
    const language = site.languageId.toLowerCase();
    for (const type of MAIL_EVENT_TYPES) {
      if (await db('b_event_message').where({ EVENT_NAME: type, LID: site.id }).first('ID')) continue;
      const text = eventText(language, type);
      await inTransaction(db, runner, async (tx) => {
        await recordNativeChange(
          tx,
          'event_message',
          `${site.id}:${type}`,
          { siteId: site.id, eventName: type },
          now,
        );
        // LANGUAGE_ID is the site's: our b_event rows carry the same (mail/transports/bitrixTransport.ts),
        // and Bitrix sends a row only with a template of its language or of none.
        const insert = insertStatement(
          'b_event_message',
          columns.pick('b_event_message', {
            EVENT_NAME: type,
            LID: site.id,
            ACTIVE: 'Y',
            EMAIL_FROM: '#DEFAULT_EMAIL_FROM#',
            EMAIL_TO: '#EMAIL_TO#',
            SUBJECT: fit(text.subject),
            MESSAGE: fit(text.message),
            BODY_TYPE: 'text',
            IN_REPLY_TO: type.startsWith('SUPPORT_TICKET_') ? '#IN_REPLY_TO#' : null,
            LANGUAGE_ID: language,
          }),
        );
        await tx.run(insert.sql, insert.bindings);
        await tx.run(
          'INSERT INTO b_event_message_site (EVENT_MESSAGE_ID, SITE_ID) VALUES (LAST_INSERT_ID(), ?)',
          [site.id],
        );
      });
      added.push(`mail template ${type} (site ${site.id})`);
    }
  }
  return added;
}

/** What registerMailEvents would still add: "SUPPORT_TICKET_REPLY (en)", "template … (site s2)". */
export async function missingMailEvents(db: Db): Promise<string[]> {
  const columns = await NativeColumns.read(db, MAIL_EVENT_TABLES);
  if (!MAIL_EVENT_TABLES.every((t) => columns.hasTable(t))) return [];
  const sites = await readSites(db);
  const types = new Set(
    (await db('b_event_type').whereIn('EVENT_NAME', MAIL_EVENT_TYPES).select('EVENT_NAME', 'LID')).map(
      (r: { EVENT_NAME: string; LID: string }) => `${r.EVENT_NAME}|${r.LID.toLowerCase()}`,
    ),
  );
  const messages = new Set(
    (await db('b_event_message').whereIn('EVENT_NAME', MAIL_EVENT_TYPES).select('EVENT_NAME', 'LID')).map(
      (r: { EVENT_NAME: string; LID: string }) => `${r.EVENT_NAME}|${r.LID}`,
    ),
  );
  const missing: string[] = [];
  for (const language of new Set(sites.map((s) => s.languageId.toLowerCase())))
    for (const type of MAIL_EVENT_TYPES)
      if (!types.has(`${type}|${language}`)) missing.push(`mail event type ${type} (${language})`);
  for (const site of sites)
    for (const type of MAIL_EVENT_TYPES)
      if (!messages.has(`${type}|${site.id}`)) missing.push(`mail template ${type} (site ${site.id})`);
  return missing;
}

/** Undo of one `event_type` journal entry. */
export async function removeMailEventType(
  runner: SqlRunner,
  detail: { languageId: string; eventName: string },
): Promise<void> {
  await runner.run('DELETE FROM b_event_type WHERE EVENT_NAME = ? AND LID = ?', [
    detail.eventName,
    detail.languageId,
  ]);
}

/** Undo of one `event_message` journal entry: the site's templates of our event, with their site links. */
export async function removeMailEventMessages(
  db: Db,
  runner: SqlRunner,
  detail: { siteId: string; eventName: string },
): Promise<number> {
  const ids = (
    (await db('b_event_message')
      .where({ EVENT_NAME: detail.eventName, LID: detail.siteId })
      .select('ID')) as Array<{
      ID: number;
    }>
  ).map((r) => Number(r.ID));
  for (const id of ids) {
    await runner.run('DELETE FROM b_event_message_site WHERE EVENT_MESSAGE_ID = ?', [id]);
    await runner.run('DELETE FROM b_event_message WHERE ID = ?', [id]);
  }
  return ids.length;
}

/** Our texts are multi-byte; the native columns may be utf8mb3 or cp1251. */
async function textFitter(db: Db): Promise<(text: string) => string> {
  const charset = await columnCharset(db, 'b_event_message', 'MESSAGE');
  return (text) => fitToCharset(text, charset);
}
