import { Knex } from 'knex';

/**
 * Orders of the sale module, looked up by what a ticket mentions (ID or ACCOUNT_NUMBER, both unique
 * indexes), and the write-back of a link the bridge found into the ticket's UF_ORDER_ID.
 */
type Reader = Knex | Knex.Transaction;

export interface NativeOrder {
  id: number;
  accountNumber: string | null;
  userId: number;
}

export async function findOrders(
  db: Reader,
  lookup: { ids: number[]; accountNumbers: string[] },
): Promise<NativeOrder[]> {
  const ids = [...new Set(lookup.ids)].filter((id) => Number.isSafeInteger(id) && id > 0 && id <= 2147483647);
  const numbers = [...new Set(lookup.accountNumbers)].filter((n) => n.length > 0 && n.length <= 100);
  if (ids.length === 0 && numbers.length === 0) return [];
  const rows = await db('b_sale_order')
    .where((q) => {
      if (ids.length) q.whereIn('ID', ids);
      if (numbers.length) q.orWhereIn('ACCOUNT_NUMBER', numbers);
    })
    .select<Array<{ ID: number; ACCOUNT_NUMBER: string | null; USER_ID: number }>>(
      'ID',
      'ACCOUNT_NUMBER',
      'USER_ID',
    );
  return rows.map((r) => ({ id: Number(r.ID), accountNumber: r.ACCOUNT_NUMBER, userId: Number(r.USER_ID) }));
}

/**
 * Writes of b_uts_support.UF_ORDER_ID by the order linker (sync/orderLinker.ts UfWrite):
 * - fill: a link the bridge found, into an empty field (the row inserted when Bitrix has not created it
 *   yet); the IF() keeps a value an operator saved between our read and this write;
 * - replace / clear: only if the field still holds the value read (a number typed as the account number
 *   becomes the order's ID; another customer's order is removed).
 * `kind` is the column's: for a string field made before bxsup the ID is written as text, and values
 * are compared as text (comparing text with 0 is an error under a strict sql_mode).
 * b_ticket is not touched (its TIMESTAMP_X would look like an operator's change).
 */
export type UfOrderWrite =
  | { ticketId: number; kind: 'fill'; orderId: number }
  | { ticketId: number; kind: 'replace'; orderId: number; expected: number | string }
  | { ticketId: number; kind: 'clear'; expected: number | string };

export async function writeUfOrderIds(
  db: Reader,
  writes: readonly UfOrderWrite[],
  column: 'int' | 'text',
): Promise<void> {
  const value = (orderId: number): number | string => (column === 'int' ? orderId : String(orderId));
  const empty = column === 'int' ? 'UF_ORDER_ID = 0' : "UF_ORDER_ID = ''";
  const fills = writes.filter((w): w is Extract<UfOrderWrite, { kind: 'fill' }> => w.kind === 'fill');
  if (fills.length > 0) {
    await db.raw(
      `INSERT INTO b_uts_support (VALUE_ID, UF_ORDER_ID) VALUES ${fills.map(() => '(?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE UF_ORDER_ID = IF(UF_ORDER_ID IS NULL OR ${empty}, VALUES(UF_ORDER_ID), UF_ORDER_ID)`,
      fills.flatMap((l) => [l.ticketId, value(l.orderId)]),
    );
  }
  for (const w of writes) {
    if (w.kind === 'fill') continue;
    const expected = column === 'int' ? Number(w.expected) : String(w.expected);
    await db('b_uts_support')
      .where({ VALUE_ID: w.ticketId, UF_ORDER_ID: expected })
      .update({ UF_ORDER_ID: w.kind === 'clear' ? null : value(w.orderId) });
  }
}
