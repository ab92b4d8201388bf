import { Knex } from 'knex';
import { findOrders, NativeOrder } from '../bridge/orders';
import { Logger } from '../core/logger';
import { extractOrderMentions, matchMentions, OrderIndex, orderLookupOf } from './mapping/orderMentions';

/**
 * Decides the order link of many tickets with one b_sale_order query. The operator's UF_ORDER_ID wins
 * when it names an order of the ticket's owner; else a link the mirror already has stays; else the
 * first mention in the given texts (title, opening message) of an order of that owner. An order of
 * another customer is never linked, whatever names it: it is logged instead.
 */
export type OrderSource = 'uf' | 'title' | 'message';

export interface OrderLinkInput {
  ticketId: number;
  ownerId: number | null;
  /** b_uts_support.UF_ORDER_ID (0/NULL: none). */
  ufValue: number | null;
  texts: Array<{ source: 'title' | 'message'; text: string | null }>;
  current: { orderId: number | null; orderSource: string | null };
}

export interface OrderLinkDecision {
  ticketId: number;
  orderId: number | null;
  orderSource: string | null;
  /** Found by the bridge in the text: to be written to UF_ORDER_ID when that is empty. */
  writeBack: boolean;
  changed: boolean;
}

export async function decideOrderLinks(
  db: Knex | Knex.Transaction,
  inputs: OrderLinkInput[],
  logger: Logger,
): Promise<Map<number, OrderLinkDecision>> {
  // Only texts that mention something are kept: most name no order (a backfill decides for every ticket).
  const mentions = new Map<number, Array<{ source: 'title' | 'message'; found: string[] }>>();
  for (const input of inputs) {
    for (const text of input.texts) {
      const found = extractOrderMentions(text.text);
      if (found.length === 0) continue;
      const list = mentions.get(input.ticketId) ?? [];
      list.push({ source: text.source, found });
      mentions.set(input.ticketId, list);
    }
  }
  const ufIds = inputs.map((i) => i.ufValue).filter((v): v is number => Boolean(v));
  const allMentions = [...mentions.values()].flatMap((list) => list.flatMap((m) => m.found));
  const lookup = orderLookupOf(allMentions);
  const orders = new OrderIndex(
    await findOrders(db, {
      ids: [...ufIds, ...lookup.ids],
      accountNumbers: lookup.accountNumbers,
    }),
  );
  const decisions = new Map<number, OrderLinkDecision>();
  for (const input of inputs) {
    const decision = decide(input, mentions.get(input.ticketId) ?? [], orders, logger);
    decisions.set(input.ticketId, decision);
  }
  return decisions;
}

function decide(
  input: OrderLinkInput,
  mentions: Array<{ source: 'title' | 'message'; found: string[] }>,
  orders: OrderIndex,
  logger: Logger,
): OrderLinkDecision {
  const { current } = input;
  const keep = { ticketId: input.ticketId, ...current, writeBack: false, changed: false };
  const link = (orderId: number, orderSource: OrderSource, writeBack: boolean): OrderLinkDecision => ({
    ticketId: input.ticketId,
    orderId,
    orderSource,
    writeBack,
    changed: current.orderId !== orderId || current.orderSource !== orderSource,
  });
  if (input.ufValue) {
    if (current.orderId === input.ufValue) return keep;
    const order = orders.byOrderId(input.ufValue);
    if (order && input.ownerId !== null && order.userId === input.ownerId) return link(order.id, 'uf', false);
    warnForeign(logger, input.ticketId, input.ownerId, order ?? null, 'UF_ORDER_ID', input.ufValue);
  }
  if (current.orderId !== null) return keep;
  for (const { source, found } of mentions) {
    const match = matchMentions(found, orders, input.ownerId);
    for (const order of match.foreign)
      warnForeign(logger, input.ticketId, input.ownerId, order, source, order.id);
    if (match.own) return link(match.own.id, source, !input.ufValue);
  }
  return keep;
}

function warnForeign(
  logger: Logger,
  ticketId: number,
  ownerId: number | null,
  order: NativeOrder | null,
  where: string,
  value: number,
): void {
  if (order === null) {
    logger.warn(`ticket ${ticketId}: ${where} names order ${value}, which does not exist; not linked`, {
      ticketId,
      orderId: value,
    });
    return;
  }
  logger.warn(
    `ticket ${ticketId}: order ${order.id} named in its ${where} belongs to user ${order.userId}, not to the ticket's owner ${ownerId ?? '(guest)'}; not linked`,
    { ticketId, orderId: order.id, orderUserId: order.userId, ownerUserId: ownerId },
  );
}
