import { Db } from '../core/db';

/**
 * Which optional native tables and columns this site has. Bitrix sites differ: the sale module may be
 * absent (no order linking), b_uts_support appears only with the first ticket user field, and the
 * UF_ORDER_ID column only after our installer (or an admin) added it. One information_schema query.
 */
export interface NativeCapabilities {
  /** b_sale_order with ID, ACCOUNT_NUMBER, USER_ID: order linking works. */
  orders: boolean;
  /**
   * b_uts_support.UF_ORDER_ID: an operator's order value can be read and ours written back. 'int' for
   * the integer field bxsup registers, 'text' for a string field a site made before bxsup (a tutorial's
   * snippet): its values are order IDs or numbers as customers typed them. Null when missing.
   */
  ufOrderId: 'int' | 'text' | null;
  /** Which of the computed fields asked about have a column in b_uts_support, in the order asked. */
  computedFields: string[];
  /** b_user_group + b_module_group: staff can be told from clients when a message does not say. */
  moduleRights: boolean;
  /** b_ticket_user_ugroup: the responsible's support group. */
  supportGroups: boolean;
}

/** Per table, the columns that must all be there (b_uts_support's computed fields are asked for apart). */
const WANTED: Record<string, string[]> = {
  b_sale_order: ['ID', 'ACCOUNT_NUMBER', 'USER_ID'],
  b_uts_support: ['VALUE_ID', 'UF_ORDER_ID'],
  b_user_group: ['USER_ID', 'GROUP_ID', 'DATE_ACTIVE_FROM', 'DATE_ACTIVE_TO'],
  b_module_group: ['MODULE_ID', 'GROUP_ID', 'G_ACCESS'],
  b_ticket_user_ugroup: ['USER_ID', 'GROUP_ID'],
};

const NUMERIC = new Set(['int', 'bigint', 'smallint', 'mediumint', 'tinyint', 'decimal', 'double', 'float']);

export async function detectNativeCapabilities(
  db: Db,
  options: { computedFields?: readonly string[] } = {},
): Promise<NativeCapabilities> {
  const rows = await db('information_schema.COLUMNS')
    .where('TABLE_SCHEMA', db.raw('DATABASE()'))
    .whereIn('TABLE_NAME', Object.keys(WANTED))
    .select<{ TABLE_NAME: string; COLUMN_NAME: string; DATA_TYPE: string }[]>(
      'TABLE_NAME',
      'COLUMN_NAME',
      'DATA_TYPE',
    );
  const present = new Map(rows.map((r) => [`${r.TABLE_NAME}.${r.COLUMN_NAME.toUpperCase()}`, r.DATA_TYPE]));
  const has = (table: string): boolean => WANTED[table].every((c) => present.has(`${table}.${c}`));
  const ufType = present.get('b_uts_support.UF_ORDER_ID')?.toLowerCase();
  return {
    orders: has('b_sale_order'),
    ufOrderId: !has('b_uts_support') ? null : NUMERIC.has(ufType ?? '') ? 'int' : 'text',
    computedFields: (options.computedFields ?? []).filter((f) =>
      present.has(`b_uts_support.${f.toUpperCase()}`),
    ),
    moduleRights: has('b_user_group') && has('b_module_group'),
    supportGroups: has('b_ticket_user_ugroup'),
  };
}
