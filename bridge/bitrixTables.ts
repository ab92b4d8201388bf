import { Db } from '../core/db';
import { BxsupError } from '../core/errors';
import { MESSAGE_COLUMNS_READ } from './nativeMessages';
import { TICKET_COLUMNS_READ } from './nativeTickets';

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
  await assertColumnsWeRead(db);
  const warnings: string[] = [];
  const hasSaleModule = present.has('b_sale_order');
  if (!hasSaleModule)
    warnings.push('table b_sale_order not found: the sale module is not installed, order linking is off');
  return { hasSaleModule, warnings };
}

/**
 * A table named b_ticket is not enough: the sync reads these columns of it and of b_ticket_message, so
 * without one of them every pass would fail. Checked before install changes anything (and by status).
 */
async function assertColumnsWeRead(db: Db): Promise<void> {
  for (const [table, columns] of [
    ['b_ticket', TICKET_COLUMNS_READ],
    ['b_ticket_message', MESSAGE_COLUMNS_READ],
  ] as const) {
    const rows = (await db('information_schema.COLUMNS')
      .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table })
      .select('COLUMN_NAME')) as Array<{ COLUMN_NAME: string }>;
    const have = new Set(rows.map((r) => r.COLUMN_NAME.toUpperCase()));
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length) {
      throw new BxsupError(
        'DB_NOT_BITRIX',
        `table ${table} lacks the column(s) ${missing.join(', ')} that bxsup reads: this is not the support module's ${table} (or a version bxsup does not know); check the database, and the support module's version`,
      );
    }
  }
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
