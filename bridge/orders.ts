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
 * Writes links the bridge found into b_uts_support.UF_ORDER_ID, inserting the ticket's row when Bitrix
 * has not created it yet. The IF() keeps any value already there: an operator's choice is never
 * overwritten, even one saved between our read and this write. b_ticket is not touched (its
 * TIMESTAMP_X would look like an operator's change).
 */
export async function writeBackOrderIds(
  db: Reader,
  links: Array<{ ticketId: number; orderId: number }>,
): Promise<void> {
  if (links.length === 0) return;
  const values = links.map(() => '(?, ?)').join(', ');
  await db.raw(
    `INSERT INTO b_uts_support (VALUE_ID, UF_ORDER_ID) VALUES ${values}
     ON DUPLICATE KEY UPDATE UF_ORDER_ID = IF(UF_ORDER_ID IS NULL OR UF_ORDER_ID = 0, VALUES(UF_ORDER_ID), UF_ORDER_ID)`,
    links.flatMap((l) => [l.ticketId, l.orderId]),
  );
}
