import { DictionaryEntry } from '../../bridge/dictionaries';

/** Our category label: the dictionary entry's SID (stable across renames), else its NAME. */
export type CategoryResolver = (categoryId: number | null) => string | null;

/** bl_support_ticket.category is VARCHAR(64); a long NAME is cut, not refused. */
const MAX_LENGTH = 64;

export function buildCategoryResolver(entries: DictionaryEntry[]): CategoryResolver {
  const labels = new Map(
    entries
      .filter((e) => e.type === 'C')
      .map((e) => [
        e.id,
        Array.from(e.sid || e.name)
          .slice(0, MAX_LENGTH)
          .join('') || null,
      ]),
  );
  return (categoryId) => (categoryId ? (labels.get(categoryId) ?? null) : null);
}
