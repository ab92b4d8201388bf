import { Db } from '../../core/db';
import { existingTables, readSites } from '../../bridge/bitrixTables';
import { recordNativeChange } from '../../schema/nativeChanges';
import { inTransaction, SqlRunner } from '../../schema/sqlRunner';
import { eventFieldsDescription, eventText } from '../../templates/bitrix/eventMessages';
import { MAIL_EVENT_TYPES } from '../eventTypes';
import { columnCharset, fitToCharset } from '../nativeText';

/**
 * Registers our mail event types in Bitrix (b_event_type, one row per event and site language) and a
 * default template per event and site (b_event_message + b_event_message_site), for the bitrix
 * transport. Each addition is journaled first (kinds event_type / event_message); uninstall removes
 * them. A site that already has a template for one of our events (an admin's) is left alone.
 */
export async function registerMailEvents(db: Db, runner: SqlRunner, now: Date): Promise<string[]> {
  const present = await existingTables(db, ['b_event_type', 'b_event_message', 'b_event_message_site']);
  if (present.size < 3) return [];
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
        await tx.run(
          `INSERT INTO b_event_type (LID, EVENT_NAME, NAME, DESCRIPTION, SORT, EVENT_TYPE) VALUES (?, ?, ?, ?, 150, 'email')`,
          [
            language,
            type,
            fit(eventText(language, type).name).slice(0, 100),
            fit(eventFieldsDescription(language, type)),
          ],
        );
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
        await tx.run(
          `INSERT INTO b_event_message (EVENT_NAME, LID, ACTIVE, EMAIL_FROM, EMAIL_TO, SUBJECT, MESSAGE, BODY_TYPE, IN_REPLY_TO, LANGUAGE_ID)
           VALUES (?, ?, 'Y', '#DEFAULT_EMAIL_FROM#', '#EMAIL_TO#', ?, ?, 'text', ?, ?)`,
          [
            type,
            site.id,
            fit(text.subject),
            fit(text.message),
            type.startsWith('SUPPORT_TICKET_') ? '#IN_REPLY_TO#' : null,
            language,
          ],
        );
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
