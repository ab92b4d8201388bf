import { Db } from '../../core/db';

/**
 * What a mail about a ticket may say, read fresh from the native tables at send time (so a renamed title
 * or a newly linked order shows), plus our mirror's number and order link.
 */
export interface TicketFacts {
  id: number;
  siteId: string;
  /** bl_support_ticket.number; the native ID as a string until the sync has mirrored the ticket. */
  number: string;
  title: string;
  ownerUserId: number | null;
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

export async function loadTicketFacts(
  db: Db,
  ticketId: number,
  sale: SaleTables,
): Promise<TicketFacts | null> {
  const row = (await db('b_ticket as t')
    .leftJoin('bl_support_ticket as m', 'm.id', 't.ID')
    .where('t.ID', ticketId)
    .first(
      't.ID',
      't.SITE_ID',
      't.TITLE',
      't.OWNER_USER_ID',
      't.OWNER_SID',
      't.RESPONSIBLE_USER_ID',
      't.DATE_CLOSE',
      'm.number',
      'm.order_id',
    )) as Record<string, string | number | null> | undefined;
  if (!row) return null;
  const orderId = positive(row.order_id);
  const order = orderId && sale.order ? await loadOrder(db, orderId) : null;
  return {
    id: Number(row.ID),
    siteId: String(row.SITE_ID),
    number: row.number ? String(row.number) : String(row.ID),
    title: String(row.TITLE ?? ''),
    ownerUserId: positive(row.OWNER_USER_ID),
    ownerSid: row.OWNER_SID ? String(row.OWNER_SID) : null,
    responsibleUserId: positive(row.RESPONSIBLE_USER_ID),
    // Zero dates count as "none" (old rows, empty sql_mode).
    closed: Boolean(row.DATE_CLOSE) && !String(row.DATE_CLOSE).startsWith('0000'),
    order,
    shipment: order && sale.delivery ? await loadShipment(db, order.id) : null,
  };
}

async function loadOrder(db: Db, orderId: number): Promise<TicketFacts['order']> {
  const row = (await db('b_sale_order').where('ID', orderId).first('ID', 'ACCOUNT_NUMBER')) as
    { ID: number; ACCOUNT_NUMBER: string | null } | undefined;
  if (!row) return null;
  // ACCOUNT_NUMBER is what the customer sees; it equals the ID unless a numbering template is set.
  return { id: Number(row.ID), accountNumber: row.ACCOUNT_NUMBER || String(row.ID) };
}

/** The newest shipment with a tracking number; SYSTEM='Y' shipments are internal and skipped. */
async function loadShipment(db: Db, orderId: number): Promise<TicketFacts['shipment']> {
  const row = (await db('b_sale_order_delivery')
    .where('ORDER_ID', orderId)
    .whereNot('SYSTEM', 'Y')
    .whereNotNull('TRACKING_NUMBER')
    .whereNot('TRACKING_NUMBER', '')
    .orderBy('ID', 'desc')
    .first('TRACKING_NUMBER', 'DELIVERY_ID')) as
    { TRACKING_NUMBER: string; DELIVERY_ID: number | null } | undefined;
  if (!row) return null;
  return { trackingNumber: row.TRACKING_NUMBER.trim(), deliveryId: positive(row.DELIVERY_ID) };
}

function positive(value: unknown): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}
