import { Knex } from 'knex';
import { findOrders, NativeOrder, UfOrderWrite, writeUfOrderIds } from '../bridge/orders';
import { stateWithUfOrder } from '../bridge/nativeTickets';
import { someId } from './mapping/ticketRow';
import { Logger } from '../core/logger';
import { extractOrderMentions, matchMentions, OrderIndex, orderLookupOf } from './mapping/orderMentions';
import { PassContext } from './passContext';
import { applyOrderLinks } from './store/tickets';

export interface OrderLinkInput {
  ticketId: number;
  ownerId: number | null;
  /** b_uts_support.UF_ORDER_ID as stored: a number, or text for a string field (0, NULL, '': none). */
  ufValue: number | string | null;
  texts: Array<{ source: 'title' | 'message'; text: string | null }>;
  current: { orderId: number | null; orderSource: string | null };
}

/**
 * The order-link input of a ticket read from b_ticket, whose title is the only text weighed (a message
 * naming an order is linked by the message phase); `current` is what the mirror links now, nothing for a
 * ticket seen for the first time.
 */
export function titleLinkInput(
  row: {
    ID: number | string;
    OWNER_USER_ID: number | null;
    UF_ORDER_ID: number | string | null;
    TITLE: string | null;
  },
  current: OrderLinkInput['current'] = { orderId: null, orderSource: null },
): OrderLinkInput {
  return {
    ticketId: Number(row.ID),
    ownerId: someId(row.OWNER_USER_ID),
    ufValue: row.UF_ORDER_ID,
    texts: [{ source: 'title', text: row.TITLE }],
    current,
  };
}

/** What to do to b_uts_support.UF_ORDER_ID; `expected` is the value read, written only if still there. */
export type UfWrite =
  | { kind: 'fill'; orderId: number }
  | { kind: 'replace'; orderId: number; expected: number | string }
  | { kind: 'clear'; expected: number | string };

export interface OrderLinkDecision {
  ticketId: number;
  orderId: number | null;
  orderSource: string | null;
  /** Found by the bridge in the text: to be written to UF_ORDER_ID when that is empty. */
  writeBack: boolean;
  ufWrite: UfWrite | null;
  changed: boolean;
}

/** UF_ORDER_ID as something to look an order up by; null when it holds nothing. */
export function ufOrderText(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value)
    .trim()
    .replace(/^(?:№|#|no\.?|n)\s*/i, '');
  return text === '' || /^0+$/.test(text) ? null : text.slice(0, 100);
}

/**
 * The order linking of every sync path (new tickets, remapped tickets, opening messages): the decisions
 * for these tickets, none when the site has no b_sale_order. Each path passes what it knows of a ticket;
 * the rules are the same for all (see decideOrderLinks).
 */
export async function linkOrders(
  trx: Knex.Transaction,
  ctx: PassContext,
  inputs: OrderLinkInput[],
): Promise<Map<number, OrderLinkDecision>> {
  if (inputs.length === 0 || !(await ctx.capabilities()).orders) return new Map();
  return decideOrderLinks(trx, inputs, ctx.deps.logger);
}

/**
 * Stores what linkOrders decided, the same way for every path: the mirror's changed links (not for
 * `mirror: 'inserted'`: the rows were inserted with them), then the UF_ORDER_ID writes. `signatures`:
 * the native state signatures the mirror rows hold, for a path that signed them before deciding (the
 * message path); a decision that writes the link back to UF_ORDER_ID gets its row's signature updated,
 * or the next poll would take our own write for an operator's change. The ticket paths sign after
 * deciding (ufValueAfter) and pass none.
 */
export async function saveOrderLinks(
  trx: Knex.Transaction,
  ctx: PassContext,
  decisions: Map<number, OrderLinkDecision>,
  options: { mirror: 'inserted' | 'existing'; signatures?: ReadonlyMap<number, string | null> },
): Promise<void> {
  if (decisions.size === 0) return;
  const column = (await ctx.capabilities()).ufOrderId;
  if (options.mirror === 'existing') {
    const changed = [...decisions.values()].filter((d) => d.changed);
    const signature = (d: OrderLinkDecision): string | null => {
      const signed = options.signatures?.get(d.ticketId);
      if (signed === undefined || column === null || !d.writeBack || d.orderId === null) return null;
      return stateWithUfOrder(signed, d.orderId);
    };
    await applyOrderLinks(
      trx,
      changed.map((d) => ({
        id: d.ticketId,
        orderId: d.orderId,
        orderSource: d.orderSource,
        nativeState: signature(d),
      })),
    );
  }
  await applyUfWrites(trx, decisions.values(), column);
}

/**
 * Decides the order link of many tickets with one b_sale_order query. A link only ever names an order
 * of the ticket's current owner:
 * - a link the mirror holds whose order is not the owner's (an admin changed the owner) is dropped, or
 *   the new owner would be mailed the old owner's order and tracking numbers;
 * - UF_ORDER_ID wins when it names an order of the owner, by ID or by the number customers see
 *   (ACCOUNT_NUMBER: the form's label says "Order Number"); a number is replaced by the order's ID;
 * - UF_ORDER_ID naming another customer's order is cleared from b_uts_support, logged with both users;
 * - else a link the mirror already has stays; else the first mention in the given texts (title, opening
 *   message) of an order of the owner, written to an empty UF_ORDER_ID.
 */
async function decideOrderLinks(
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
  const ufTexts = inputs.map((i) => ufOrderText(i.ufValue)).filter((v): v is string => v !== null);
  const linked = inputs.map((i) => i.current.orderId).filter((v): v is number => v !== null);
  const allMentions = [...mentions.values()].flatMap((list) => list.flatMap((m) => m.found));
  const lookup = orderLookupOf([...ufTexts, ...allMentions]);
  const orders = new OrderIndex(
    await findOrders(db, { ids: [...linked, ...lookup.ids], accountNumbers: lookup.accountNumbers }),
  );
  const decisions = new Map<number, OrderLinkDecision>();
  for (const input of inputs) {
    decisions.set(input.ticketId, decide(input, mentions.get(input.ticketId) ?? [], orders, logger));
  }
  return decisions;
}

function decide(
  input: OrderLinkInput,
  mentions: Array<{ source: 'title' | 'message'; found: string[] }>,
  orders: OrderIndex,
  logger: Logger,
): OrderLinkDecision {
  const { ticketId, ownerId } = input;
  let current = input.current;
  const result = (
    orderId: number | null,
    orderSource: string | null,
    ufWrite: UfWrite | null,
  ): OrderLinkDecision => ({
    ticketId,
    orderId,
    orderSource,
    writeBack: ufWrite?.kind === 'fill',
    ufWrite,
    changed: input.current.orderId !== orderId || input.current.orderSource !== orderSource,
  });
  if (current.orderId !== null) {
    const linked = orders.byOrderId(current.orderId);
    if (!linked || ownerId === null || linked.userId !== ownerId) {
      logger.warn(
        `ticket ${ticketId}: linked order ${current.orderId} is not an order of its owner ${ownerId ?? '(guest)'} (it belongs to ${linked ? `user ${linked.userId}` : 'nobody: it no longer exists'}); the link is dropped`,
        { ticketId, orderId: current.orderId, orderUserId: linked?.userId ?? null, ownerUserId: ownerId },
      );
      current = { orderId: null, orderSource: null };
    }
  }
  const ufText = ufOrderText(input.ufValue);
  let clearUf: UfWrite | null = null;
  if (ufText !== null && input.ufValue !== null) {
    const named = orders.named(ufText);
    const own = ownerId !== null ? named.find((o) => o.userId === ownerId) : undefined;
    if (own) {
      // The number customers see resolves to the order's ID, which is what the field is for.
      const replace: UfWrite | null =
        String(input.ufValue).trim() === String(own.id)
          ? null
          : { kind: 'replace', orderId: own.id, expected: input.ufValue };
      return result(own.id, 'uf', replace);
    }
    if (named.length > 0) {
      for (const order of named) warnForeign(logger, ticketId, ownerId, order, 'UF_ORDER_ID', ufText);
      clearUf = { kind: 'clear', expected: input.ufValue };
    } else {
      logger.warn(`ticket ${ticketId}: UF_ORDER_ID names order ${ufText}, which does not exist; not linked`, {
        ticketId,
        ufValue: ufText,
      });
    }
  }
  if (current.orderId !== null) {
    // The link stands (the owner's own order): a field naming another customer's order gets it back.
    const restore: UfWrite | null = clearUf && {
      kind: 'replace',
      orderId: current.orderId,
      expected: clearUf.expected,
    };
    return result(current.orderId, current.orderSource, restore);
  }
  for (const { source, found } of mentions) {
    const match = matchMentions(found, orders, ownerId);
    for (const order of match.foreign) warnForeign(logger, ticketId, ownerId, order, source, order.id);
    if (match.own) {
      const id = match.own.id;
      // An empty field gets the order; one naming another customer's order gets the owner's instead.
      const write: UfWrite | null =
        clearUf?.kind === 'clear'
          ? { kind: 'replace', orderId: id, expected: clearUf.expected }
          : ufText === null
            ? { kind: 'fill', orderId: id }
            : null;
      return result(id, source, write);
    }
  }
  return result(null, null, clearUf);
}

function warnForeign(
  logger: Logger,
  ticketId: number,
  ownerId: number | null,
  order: NativeOrder,
  where: string,
  value: number | string,
): void {
  const cleared = where === 'UF_ORDER_ID' ? 'cleared from UF_ORDER_ID' : 'not linked';
  logger.warn(
    `ticket ${ticketId}: order ${order.id} named in its ${where} (${value}) belongs to user ${order.userId}, not to the ticket's owner ${ownerId ?? '(guest)'}; ${cleared}`,
    { ticketId, orderId: order.id, orderUserId: order.userId, ownerUserId: ownerId },
  );
}

/**
 * What UF_ORDER_ID holds once the decision's write is made (the change signature must include it);
 * `column` null: the site has no such column, nothing is written.
 */
export function ufValueAfter(
  decision: OrderLinkDecision | undefined,
  read: number | string | null,
  column: 'int' | 'text' | null,
): number | string | null {
  const write = decision?.ufWrite;
  if (!write || column === null) return read;
  return write.kind === 'clear'
    ? null
    : write.kind === 'fill' && ufOrderText(read) !== null
      ? read
      : write.orderId;
}

/** Makes the decisions' UF_ORDER_ID writes (none when the site has no such column). */
async function applyUfWrites(
  trx: Knex.Transaction,
  decisions: Iterable<OrderLinkDecision>,
  column: 'int' | 'text' | null,
): Promise<void> {
  if (column === null) return;
  const writes: UfOrderWrite[] = [];
  for (const d of decisions) if (d.ufWrite) writes.push({ ticketId: d.ticketId, ...d.ufWrite });
  await writeUfOrderIds(trx, writes, column);
}
