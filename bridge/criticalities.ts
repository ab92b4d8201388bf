import { Knex } from 'knex';

/**
 * The site's criticalities (b_ticket_dictionary, C_TYPE 'K') in the module's order, C_SORT then ID:
 * the default install lists Low, Middle, High that way, and sites that add levels keep the order
 * meaningful because the module's own lists are sorted by it.
 */
type Reader = Knex | Knex.Transaction;

export interface Criticality {
  id: number;
  name: string;
}

export async function siteCriticalities(db: Reader, siteId: string): Promise<Criticality[]> {
  const rows = await db('b_ticket_dictionary as d')
    .leftJoin('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
    .where('d.C_TYPE', 'K')
    .andWhere((q) =>
      q
        .where('s.SITE_ID', siteId)
        .orWhere((q2) => q2.whereNull('s.SITE_ID').andWhere('d.FIRST_SITE_ID', siteId)),
    )
    .distinct('d.ID', 'd.NAME', 'd.C_SORT')
    .orderBy([{ column: 'd.C_SORT' }, { column: 'd.ID' }]);
  return rows.map((r: { ID: number; NAME: string }) => ({ id: Number(r.ID), name: String(r.NAME) }));
}

/**
 * One step up from `currentId`; null at the top (or when the site has none). A ticket without a
 * criticality counts as the middle level (our "normal"), so it is raised to the level above the middle.
 */
export function nextCriticality(
  levels: readonly Criticality[],
  currentId: number | null,
): Criticality | null {
  if (levels.length === 0) return null;
  const at = currentId ? levels.findIndex((l) => l.id === currentId) : -1;
  if (at >= 0) return levels[at + 1] ?? null;
  return levels[Math.min(Math.floor((levels.length - 1) / 2) + 1, levels.length - 1)];
}
