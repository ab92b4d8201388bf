import { Knex } from 'knex';

/**
 * The support dictionary entries the mirror maps (categories C, criticalities K, statuses S) with the
 * sites each belongs to. Small (tens of rows): read whole, once per sync pass that has work.
 */
type Reader = Knex | Knex.Transaction;

export type DictionaryType = 'C' | 'K' | 'S';

export interface DictionaryEntry {
  id: number;
  type: DictionaryType;
  sid: string;
  name: string;
  sort: number;
  /** b_ticket_dictionary_2_site, else FIRST_SITE_ID. */
  siteIds: string[];
}

export async function readDictionary(db: Reader): Promise<DictionaryEntry[]> {
  const entries = await db('b_ticket_dictionary').whereIn('C_TYPE', ['C', 'K', 'S']).select<
    Array<{
      ID: number;
      C_TYPE: DictionaryType;
      SID: string | null;
      NAME: string;
      C_SORT: number | null;
      FIRST_SITE_ID: string | null;
    }>
  >('ID', 'C_TYPE', 'SID', 'NAME', 'C_SORT', 'FIRST_SITE_ID');
  const links = await db('b_ticket_dictionary_2_site').select<
    Array<{ DICTIONARY_ID: number; SITE_ID: string }>
  >('DICTIONARY_ID', 'SITE_ID');
  const sitesOf = new Map<number, string[]>();
  for (const link of links) {
    const list = sitesOf.get(Number(link.DICTIONARY_ID)) ?? [];
    list.push(link.SITE_ID);
    sitesOf.set(Number(link.DICTIONARY_ID), list);
  }
  return entries.map((e) => ({
    id: Number(e.ID),
    type: e.C_TYPE,
    sid: (e.SID ?? '').trim(),
    name: (e.NAME ?? '').trim(),
    sort: Number(e.C_SORT ?? 100),
    siteIds: sitesOf.get(Number(e.ID)) ?? (e.FIRST_SITE_ID ? [e.FIRST_SITE_ID] : []),
  }));
}
