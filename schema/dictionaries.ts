import { Db } from '../core/db';
import { readSites } from '../bridge/bitrixTables';
import { insertStatement, NativeColumns } from '../bridge/nativeColumns';
import { recordNativeChange } from '../store/nativeChanges';
import { inTransaction, SqlRunner } from '../core/sqlRunner';

/**
 * `--seed-dictionaries`: the categories, the missing "Critical" criticality and the statuses a shop
 * needs, per site, each with a SID so configuration and our mapping can find them whatever they are
 * renamed to. An entry is added only where the site has none of the same type that is it already:
 * the same SID, or the same name in either language, or one of the module's own entries that means
 * the same (their SID is '' or NULL, so only the name tells: "Order shipping" is our "Delivery").
 * Names compare case-insensitively, ё as е, spaces collapsed. SIDs are [A-Za-z0-9_] only: the module's
 * own check refuses others, and the admin could not save the entry.
 */
interface SeedEntry {
  type: 'C' | 'K' | 'S';
  sid: string;
  sort: number;
  names: { ru: string; en: string };
  /** The default install's names (ru, en) of the entry that means the same. */
  stock?: string[];
}

export const SEED_ENTRIES: SeedEntry[] = [
  {
    type: 'C',
    sid: 'delivery',
    sort: 200,
    names: { ru: 'Доставка', en: 'Delivery' },
    stock: ['Доставка заказа', 'Order shipping'],
  },
  {
    type: 'C',
    sid: 'payment',
    sort: 210,
    names: { ru: 'Оплата', en: 'Payment' },
    stock: ['Оплата заказа', 'Order payment'],
  },
  { type: 'C', sid: 'return', sort: 220, names: { ru: 'Возврат', en: 'Return' } },
  { type: 'C', sid: 'product', sort: 230, names: { ru: 'Товар', en: 'Product' } },
  { type: 'C', sid: 'other', sort: 240, names: { ru: 'Другое', en: 'Other' } },
  // The default install stops at High; Critical sorts after it so "raise one step" reaches it.
  { type: 'K', sid: 'critical', sort: 1000, names: { ru: 'Критическая', en: 'Critical' } },
  {
    type: 'S',
    sid: 'new',
    sort: 200,
    names: { ru: 'Новое', en: 'New' },
    stock: ['Принято к рассмотрению', 'Request accepted'],
  },
  {
    type: 'S',
    sid: 'in_progress',
    sort: 210,
    names: { ru: 'В работе', en: 'In progress' },
    stock: ['В стадии решения', 'Problem solving in progress'],
  },
  {
    type: 'S',
    sid: 'awaiting_reply',
    sort: 220,
    names: { ru: 'Ожидает ответа клиента', en: 'Awaiting reply' },
  },
  {
    type: 'S',
    sid: 'resolved',
    sort: 230,
    names: { ru: 'Решено', en: 'Resolved' },
    stock: ['Успешно решено', 'Successfully solved'],
  },
];

export const VALID_SID = /^[A-Za-z0-9_]+$/;

/** How names are compared: case-insensitively, ё as е, inner spaces collapsed. */
export function sameName(a: string | null, b: string): boolean {
  const norm = (text: string) => text.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');
  return a !== null && norm(a) === norm(b);
}

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
    // An entry's sites: b_ticket_dictionary_2_site, else FIRST_SITE_ID (as bridge/dictionaries.ts reads them).
    const existing = await db('b_ticket_dictionary as d')
      .leftJoin('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
      .where((q) =>
        q
          .where('s.SITE_ID', site.id)
          .orWhere((q2) => q2.whereNull('s.SITE_ID').andWhere('d.FIRST_SITE_ID', site.id)),
      )
      .select<{ C_TYPE: string; SID: string | null; NAME: string }[]>('d.C_TYPE', 'd.SID', 'd.NAME');
    const language = site.languageId === 'ru' ? 'ru' : 'en';
    for (const entry of SEED_ENTRIES) {
      const names = [entry.names.ru, entry.names.en, ...(entry.stock ?? [])];
      const taken = existing.some(
        (e) =>
          e.C_TYPE === entry.type &&
          ((e.SID ?? '').trim().toLowerCase() === entry.sid || names.some((n) => sameName(e.NAME, n))),
      );
      if (!taken) planned.push({ siteId: site.id, entry, name: entry.names[language] });
    }
  }
  return planned;
}

export async function seedDictionaries(db: Db, runner: SqlRunner, now: Date): Promise<number> {
  const planned = await missingDictionaryEntries(db);
  const columns = await NativeColumns.read(db, ['b_ticket_dictionary']);
  for (const { siteId, entry, name } of planned) {
    if (!VALID_SID.test(entry.sid)) throw new Error(`seed SID ${entry.sid} is not [A-Za-z0-9_]`);
    // One transaction per entry: the row, its site link and our journal entry stand or fall together.
    await inTransaction(db, runner, async (tx) => {
      const insert = insertStatement(
        'b_ticket_dictionary',
        columns.pick('b_ticket_dictionary', {
          FIRST_SITE_ID: siteId,
          C_TYPE: entry.type,
          SID: entry.sid,
          SET_AS_DEFAULT: 'N',
          C_SORT: entry.sort,
          NAME: name,
          DESCR: '',
          EVENT1: 'ticket',
          EVENT2: '',
          EVENT3: '',
        }),
      );
      await tx.run(insert.sql, insert.bindings);
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
