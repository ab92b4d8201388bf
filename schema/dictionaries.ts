import { Db } from '../core/db';
import { readSites } from '../bridge/bitrixTables';
import { recordNativeChange } from './nativeChanges';
import { inTransaction, SqlRunner } from './sqlRunner';

/**
 * `--seed-dictionaries`: the categories, the missing "Critical" criticality and the statuses a shop
 * needs, per site, each with a SID so configuration and our mapping can find them whatever they are
 * renamed to. An entry is added only where the site has none with the same SID or name.
 */
interface SeedEntry {
  type: 'C' | 'K' | 'S';
  sid: string;
  sort: number;
  names: { ru: string; en: string };
}

export const SEED_ENTRIES: SeedEntry[] = [
  { type: 'C', sid: 'delivery', sort: 200, names: { ru: 'Доставка', en: 'Delivery' } },
  { type: 'C', sid: 'payment', sort: 210, names: { ru: 'Оплата', en: 'Payment' } },
  { type: 'C', sid: 'return', sort: 220, names: { ru: 'Возврат', en: 'Return' } },
  { type: 'C', sid: 'product', sort: 230, names: { ru: 'Товар', en: 'Product' } },
  { type: 'C', sid: 'other', sort: 240, names: { ru: 'Другое', en: 'Other' } },
  // The default install stops at High; Critical sorts after it so "raise one step" reaches it.
  { type: 'K', sid: 'critical', sort: 1000, names: { ru: 'Критическая', en: 'Critical' } },
  { type: 'S', sid: 'new', sort: 200, names: { ru: 'Новое', en: 'New' } },
  { type: 'S', sid: 'in_progress', sort: 210, names: { ru: 'В работе', en: 'In progress' } },
  {
    type: 'S',
    sid: 'awaiting_reply',
    sort: 220,
    names: { ru: 'Ожидает ответа клиента', en: 'Awaiting reply' },
  },
  { type: 'S', sid: 'resolved', sort: 230, names: { ru: 'Решено', en: 'Resolved' } },
];

export interface PlannedEntry {
  siteId: string;
  entry: SeedEntry;
  name: string;
}

/** Which entries each site lacks. */
export async function missingDictionaryEntries(db: Db): Promise<PlannedEntry[]> {
  const sites = await readSites(db);
  const planned: PlannedEntry[] = [];
  for (const site of sites) {
    const existing = await db('b_ticket_dictionary as d')
      .join('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
      .where('s.SITE_ID', site.id)
      .select<{ C_TYPE: string; SID: string | null; NAME: string }[]>('d.C_TYPE', 'd.SID', 'd.NAME');
    const language = site.languageId === 'ru' ? 'ru' : 'en';
    for (const entry of SEED_ENTRIES) {
      const name = entry.names[language];
      const taken = existing.some(
        (e) =>
          e.C_TYPE === entry.type &&
          ((e.SID ?? '').toLowerCase() === entry.sid || e.NAME.trim().toLowerCase() === name.toLowerCase()),
      );
      if (!taken) planned.push({ siteId: site.id, entry, name });
    }
  }
  return planned;
}

export async function seedDictionaries(db: Db, runner: SqlRunner, now: Date): Promise<number> {
  const planned = await missingDictionaryEntries(db);
  for (const { siteId, entry, name } of planned) {
    // One transaction per entry: the row, its site link and our journal entry stand or fall together.
    await inTransaction(db, runner, async (tx) => {
      await tx.run(
        `INSERT INTO b_ticket_dictionary (FIRST_SITE_ID, C_TYPE, SID, SET_AS_DEFAULT, C_SORT, NAME, DESCR, EVENT1, EVENT2, EVENT3)
         VALUES (?, ?, ?, 'N', ?, ?, '', 'ticket', '', '')`,
        [siteId, entry.type, entry.sid, entry.sort, name],
      );
      await tx.run(
        'INSERT INTO b_ticket_dictionary_2_site (DICTIONARY_ID, SITE_ID) VALUES (LAST_INSERT_ID(), ?)',
        [siteId],
      );
      await recordNativeChange(
        tx,
        'dictionary',
        `${siteId}:${entry.type}:${entry.sid}`,
        { siteId, type: entry.type, sid: entry.sid },
        now,
      );
    });
  }
  return planned.length;
}

/** Tickets that use a dictionary entry: such an entry is kept on uninstall, or the tickets would lose it. */
export async function dictionaryEntryUsage(db: Db, id: number): Promise<number> {
  const row = await db('b_ticket')
    .where('CATEGORY_ID', id)
    .orWhere('CRITICALITY_ID', id)
    .orWhere('STATUS_ID', id)
    .count<{ n: number }[]>({ n: '*' });
  return Number(row[0].n);
}

export async function findSeededDictionaryId(
  db: Db,
  detail: { siteId: string; type: string; sid: string },
): Promise<number | null> {
  const row = await db('b_ticket_dictionary as d')
    .join('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
    .where({ 's.SITE_ID': detail.siteId, 'd.C_TYPE': detail.type, 'd.SID': detail.sid })
    .first('d.ID');
  return row ? Number(row.ID) : null;
}
