import { Db } from '../core/db';
import { BxsupError } from '../core/errors';

/** Without these the database is not a Bitrix site with the support module. */
export const REQUIRED_TABLES = ['b_ticket', 'b_ticket_message', 'b_user', 'b_user_field'] as const;

export async function existingTables(db: Db, names: readonly string[]): Promise<Set<string>> {
  const rows = await db('information_schema.TABLES')
    .where('TABLE_SCHEMA', db.raw('DATABASE()'))
    .whereIn('TABLE_NAME', names as string[])
    .select<{ TABLE_NAME: string }[]>('TABLE_NAME');
  return new Set(rows.map((r) => r.TABLE_NAME));
}

export interface BitrixCheck {
  /** b_sale_order present: order linking works. */
  hasSaleModule: boolean;
  warnings: string[];
}

export async function assertBitrixSupportDatabase(db: Db): Promise<BitrixCheck> {
  const present = await existingTables(db, [...REQUIRED_TABLES, 'b_sale_order', 'b_lang']);
  for (const table of REQUIRED_TABLES) {
    if (!present.has(table)) {
      throw new BxsupError(
        'DB_NOT_BITRIX',
        `not a Bitrix database with the support module (table ${table} not found): check the database name, or install the support module first`,
      );
    }
  }
  const warnings: string[] = [];
  const hasSaleModule = present.has('b_sale_order');
  if (!hasSaleModule)
    warnings.push('table b_sale_order not found: the sale module is not installed, order linking is off');
  return { hasSaleModule, warnings };
}

export interface BitrixSite {
  id: string;
  name: string;
  languageId: string;
  serverName: string | null;
  email: string | null;
  isDefault: boolean;
  active: boolean;
}

export async function readSites(db: Db): Promise<BitrixSite[]> {
  const rows = await db('b_lang')
    .select('LID', 'NAME', 'SITE_NAME', 'LANGUAGE_ID', 'SERVER_NAME', 'EMAIL', 'DEF', 'ACTIVE')
    .orderBy('SORT')
    .orderBy('LID');
  return rows.map((r: Record<string, string | null>) => ({
    id: String(r.LID),
    name: String(r.SITE_NAME || r.NAME || r.LID),
    languageId: String(r.LANGUAGE_ID || 'en'),
    serverName: r.SERVER_NAME || null,
    email: r.EMAIL || null,
    isDefault: r.DEF === 'Y',
    active: r.ACTIVE !== 'N',
  }));
}
