import { Db } from '../core/db';
import { SchemaProbe } from '../queue/schemaProbe';

/**
 * Display names for operators (b_user) and sites (b_lang), looked up for the few IDs a report shows.
 * A site without those tables (or a deleted user) falls back to the ID: a report never fails on a name.
 */
export async function operatorNames(
  db: Db,
  schema: SchemaProbe,
  ids: number[],
): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  if (ids.length === 0 || !schema.hasTable('b_user')) return names;
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db('b_user')
      .whereIn('ID', ids.slice(i, i + 1000))
      .select<Array<{ ID: number; NAME: string | null; LAST_NAME: string | null; LOGIN: string | null }>>(
        'ID',
        'NAME',
        'LAST_NAME',
        'LOGIN',
      );
    for (const r of rows) {
      const full = [r.NAME, r.LAST_NAME]
        .map((s) => (s ?? '').trim())
        .filter(Boolean)
        .join(' ');
      names.set(Number(r.ID), full || r.LOGIN || `user ${r.ID}`);
    }
  }
  return names;
}

export async function siteNames(db: Db, schema: SchemaProbe): Promise<Map<string, string>> {
  if (!schema.hasTable('b_lang')) return new Map();
  const rows = await db('b_lang').select<Array<{ LID: string; NAME: string | null }>>('LID', 'NAME');
  return new Map(rows.map((r) => [r.LID, r.NAME ? `${r.LID} ${r.NAME}` : r.LID]));
}

export function operatorLabel(id: number | null, names: Map<number, string>): string {
  return id === null ? 'unassigned' : (names.get(id) ?? `user ${id}`);
}
