import { Db } from '../../core/db';
import { toUser, UserFacts } from './users';
import { rawRows } from '../../core/rawRows';

/**
 * What a mail about a ticket may say, read fresh from the native tables at send time (so a renamed title,
 * a changed address or a newly linked order shows): the ticket, its owner, our mirror's number and order
 * link, the order's customer-facing number and its newest shipment's tracking number. One statement per
 * ticket, because the sender runs it for every mail.
 */
export interface TicketFacts {
  id: number;
  siteId: string;
  /** bl_support_ticket.number; the native ID as a string until the sync has mirrored the ticket. */
  number: string;
  title: string;
  ownerUserId: number | null;
  /** The owner's b_user row; null for a guest (or a user deleted since). */
  owner: UserFacts | null;
  /** OWNER_SID: a guest's e-mail (or name) when there is no user. */
  ownerSid: string | null;
  responsibleUserId: number | null;
  closed: boolean;
  order: { id: number; accountNumber: string } | null;
  shipment: { trackingNumber: string; deliveryId: number | null } | null;
}

/** Which optional native tables the site has (the sale module may be missing). */
export interface SaleTables {
  order: boolean;
  delivery: boolean;
}

/** The statement for a site's tables and `count` ticket IDs, built once per reader and size. */
export function ticketFactsSql(sale: SaleTables, count = 1): string {
  // The order only while it is the current owner's: an owner changed after the link was made must not
  // be mailed another customer's order and tracking numbers, even before the sync drops the link.
  // The newest shipment with a tracking number; SYSTEM='Y' shipments are internal and skipped.
  const shipment = (column: string, alias: string): string =>
    `(SELECT d.${column} FROM b_sale_order_delivery d
       WHERE d.ORDER_ID = o.ID AND d.\`SYSTEM\` <> 'Y' AND d.TRACKING_NUMBER IS NOT NULL AND d.TRACKING_NUMBER <> ''
       ORDER BY d.ID DESC LIMIT 1) AS ${alias}`;
  const orderColumns = sale.order
    ? `, o.ID AS order_id, o.ACCOUNT_NUMBER AS account_number${
        sale.delivery
          ? `, ${shipment('TRACKING_NUMBER', 'tracking_number')}, ${shipment('DELIVERY_ID', 'delivery_id')}`
          : ''
      }`
    : '';
  return `SELECT t.ID, t.SITE_ID, t.TITLE, t.OWNER_USER_ID, t.OWNER_SID, t.RESPONSIBLE_USER_ID, t.DATE_CLOSE,
            m.number, u.ID AS u_id, u.LOGIN, u.NAME, u.LAST_NAME, u.EMAIL, u.LANGUAGE_ID, u.ACTIVE${orderColumns}
       FROM b_ticket t
       LEFT JOIN bl_support_ticket m ON m.id = t.ID
       LEFT JOIN b_user u ON u.ID = t.OWNER_USER_ID
       ${sale.order ? 'LEFT JOIN b_sale_order o ON o.ID = m.order_id AND o.USER_ID = t.OWNER_USER_ID' : ''}
      WHERE t.ID IN (${Array.from({ length: count }, () => '?').join(', ')})`;
}

/** Facts of the given tickets (missing ones are left out); `sql` is ticketFactsSql(…, ids.length). */
export async function loadTicketFacts(db: Db, sql: string, ids: readonly number[]): Promise<TicketFacts[]> {
  const rows = await rawRows<Record<string, string | number | null>>(db, sql, [...ids]);
  return rows.map(toFacts);
}

function toFacts(row: Record<string, string | number | null>): TicketFacts {
  const orderId = positive(row.order_id);
  const tracking = row.tracking_number ? String(row.tracking_number).trim() : '';
  return {
    id: Number(row.ID),
    siteId: String(row.SITE_ID),
    number: row.number ? String(row.number) : String(row.ID),
    title: String(row.TITLE ?? ''),
    ownerUserId: positive(row.OWNER_USER_ID),
    owner: row.u_id ? toUser({ ...row, ID: row.u_id }) : null,
    ownerSid: row.OWNER_SID ? String(row.OWNER_SID) : null,
    responsibleUserId: positive(row.RESPONSIBLE_USER_ID),
    // Zero dates count as "none" (old rows, empty sql_mode).
    closed: Boolean(row.DATE_CLOSE) && !String(row.DATE_CLOSE).startsWith('0000'),
    // ACCOUNT_NUMBER is what the customer sees; it equals the ID unless a numbering template is set.
    order: orderId ? { id: orderId, accountNumber: String(row.account_number || orderId) } : null,
    shipment:
      orderId && tracking ? { trackingNumber: tracking, deliveryId: positive(row.delivery_id) } : null,
  };
}

function positive(value: unknown): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}
