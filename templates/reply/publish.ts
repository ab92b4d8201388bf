import { Db } from '../../core/db';
import { readSites } from '../../bridge/bitrixTables';
import { columnCharset, fitToCharset } from '../../bridge/nativeText';
import { forgetNativeChange, recordNativeChange } from '../../store/nativeChanges';
import { inTransaction, SqlRunner } from '../../core/sqlRunner';
import { listTemplates } from './templateRepo';

/**
 * `bxsup templates publish`: the active reply templates become the sites' "frequently used answers"
 * (b_ticket_dictionary C_TYPE 'F', NAME the label, DESCR the text with its placeholders, linked to the
 * site in b_ticket_dictionary_2_site), so operators pick them in the Bitrix reply form; the mailer fills
 * the placeholders when the reply goes out. Each site gets the templates of its language. Our entries
 * carry SID 'bxsup_<code>' and are journaled as dictionary changes before they are written, so
 * `uninstall` removes them; publishing again updates changed texts and removes entries of templates
 * that were deactivated or removed.
 */
export const PUBLISHED_SID_PREFIX = 'bxsup_';

export interface PublishReport {
  added: string[];
  updated: string[];
  removed: string[];
  /** Templates with no version in a site's language: "site s2: order_delayed (no en version)". */
  skipped: string[];
}

interface PublishedEntry {
  id: number;
  sid: string;
  name: string;
  descr: string;
}

export async function publishTemplates(db: Db, runner: SqlRunner, now: Date): Promise<PublishReport> {
  const report: PublishReport = { added: [], updated: [], removed: [], skipped: [] };
  const active = (await listTemplates(db)).filter((t) => t.active);
  const fit = await fitter(db);
  for (const site of await readSites(db)) {
    const language = site.languageId.toLowerCase();
    const wanted = new Map(active.filter((t) => t.language === language).map((t) => [sidOf(t.code), t]));
    for (const code of new Set(active.map((t) => t.code)))
      if (!wanted.has(sidOf(code))) report.skipped.push(`site ${site.id}: ${code} (no ${language} version)`);
    const existing = await publishedEntries(db, site.id);
    let sort = 1000;
    for (const [sid, t] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
      sort += 10;
      const name = fit.name(t.title);
      const descr = fit.descr(t.body);
      const entry = existing.get(sid);
      const label = `site ${site.id}: ${t.code}`;
      if (!entry) {
        await addEntry(db, runner, site.id, sid, sort, name, descr, now);
        report.added.push(label);
      } else if (entry.name !== name || entry.descr !== descr) {
        await runner.run('UPDATE b_ticket_dictionary SET NAME = ?, DESCR = ? WHERE ID = ?', [
          name,
          descr,
          entry.id,
        ]);
        report.updated.push(label);
      }
    }
    for (const entry of existing.values()) {
      if (wanted.has(entry.sid)) continue;
      await removeEntry(db, runner, site.id, entry);
      report.removed.push(`site ${site.id}: ${entry.sid.slice(PUBLISHED_SID_PREFIX.length)}`);
    }
  }
  return report;
}

/** `bxsup templates unpublish`: every entry we published, on every site, goes. */
export async function unpublishTemplates(db: Db, runner: SqlRunner): Promise<string[]> {
  const removed: string[] = [];
  for (const site of await readSites(db)) {
    for (const entry of (await publishedEntries(db, site.id)).values()) {
      await removeEntry(db, runner, site.id, entry);
      removed.push(`site ${site.id}: ${entry.sid.slice(PUBLISHED_SID_PREFIX.length)}`);
    }
  }
  return removed;
}

/**
 * The module's dictionary form refuses a SID with anything but [A-Za-z0-9_] (CTicketDictionary::
 * CheckFields), and an admin could then not save the entry: the '-' our codes allow becomes '_'.
 */
export function sidOf(code: string): string {
  return `${PUBLISHED_SID_PREFIX}${code.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

async function publishedEntries(db: Db, siteId: string): Promise<Map<string, PublishedEntry>> {
  const rows = (await db('b_ticket_dictionary as d')
    .join('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
    .where({ 's.SITE_ID': siteId, 'd.C_TYPE': 'F' })
    .andWhere('d.SID', 'like', `${PUBLISHED_SID_PREFIX.replace(/_/g, '\\_')}%`)
    .select('d.ID', 'd.SID', 'd.NAME', 'd.DESCR')) as Array<{
    ID: number;
    SID: string;
    NAME: string;
    DESCR: string | null;
  }>;
  return new Map(
    rows.map((r) => [r.SID, { id: Number(r.ID), sid: r.SID, name: r.NAME, descr: r.DESCR ?? '' }]),
  );
}

async function addEntry(
  db: Db,
  runner: SqlRunner,
  siteId: string,
  sid: string,
  sort: number,
  name: string,
  descr: string,
  now: Date,
): Promise<void> {
  // The journal entry, the row and its site link stand or fall together.
  await inTransaction(db, runner, async (tx) => {
    await recordNativeChange(tx, 'dictionary', `${siteId}:F:${sid}`, { siteId, type: 'F', sid }, now);
    await tx.run(
      `INSERT INTO b_ticket_dictionary (FIRST_SITE_ID, C_TYPE, SID, SET_AS_DEFAULT, C_SORT, NAME, DESCR, RESPONSIBLE_USER_ID)
       VALUES (?, 'F', ?, 'N', ?, ?, ?, 0)`,
      [siteId, sid, sort, name, descr],
    );
    await tx.run(
      'INSERT INTO b_ticket_dictionary_2_site (DICTIONARY_ID, SITE_ID) VALUES (LAST_INSERT_ID(), ?)',
      [siteId],
    );
  });
}

async function removeEntry(db: Db, runner: SqlRunner, siteId: string, entry: PublishedEntry): Promise<void> {
  await inTransaction(db, runner, async (tx) => {
    await tx.run('DELETE FROM b_ticket_dictionary_2_site WHERE DICTIONARY_ID = ?', [entry.id]);
    await tx.run('DELETE FROM b_ticket_dictionary WHERE ID = ?', [entry.id]);
    await forgetNativeChange(tx, { kind: 'dictionary', target: `${siteId}:F:${entry.sid}` });
  });
}

/** Native NAME is varchar(255) in the site's charset: cut and fit what we write. */
async function fitter(db: Db): Promise<{ name(t: string): string; descr(t: string): string }> {
  const nameCs = await columnCharset(db, 'b_ticket_dictionary', 'NAME');
  const descrCs = await columnCharset(db, 'b_ticket_dictionary', 'DESCR');
  return {
    name: (t) => Array.from(fitToCharset(t.trim(), nameCs)).slice(0, 255).join(''),
    descr: (t) => fitToCharset(t, descrCs),
  };
}
