import { NativeOrder } from '../../bridge/orders';

/**
 * Order numbers a customer wrote in a ticket's title or opening message: "заказ №1234", "по заказу 41",
 * "order #1234", "Order no. 2024-0042". A mention is only a candidate: it links only to an order of the
 * ticket's own owner, matched by ACCOUNT_NUMBER (what customers see) or by ID.
 */
const MENTION =
  /(?<![\p{L}\d])(?:заказ[а-яё]*|orders?)(?![\p{L}])[\s:]*(?:number|num\.?|no\.?|nr\.?|номер|№|#|n(?=\s*\d))?[\s:.]*([\p{L}\d][\p{L}\d\-/_]*)/giu;

/** Simple HTML and entities Bitrix may store around the text (the editor, the mail gateway). */
function plain(text: string): string {
  if (!text.includes('<') && !text.includes('&')) return text;
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&#8470;|&numero;/gi, '№')
    .replace(/&#35;|&num;/gi, '#');
}

/**
 * A mention always holds one of these words, already in the raw text: plain() only puts spaces, № and #
 * where markup was, so it never joins letters into a word. Most texts have none and are not rewritten.
 */
const KEYWORD = /заказ|order/iu;

export function extractOrderMentions(text: string | null | undefined): string[] {
  if (!text || !KEYWORD.test(text)) return [];
  const found: string[] = [];
  for (const match of plain(text).matchAll(MENTION)) {
    const token = match[1].replace(/[-/_]+$/, '');
    if (/\d/.test(token) && token.length <= 100 && !found.includes(token)) found.push(token);
  }
  return found;
}

/** What to look up in b_sale_order for a set of mentions: ACCOUNT_NUMBER always, ID when numeric. */
export function orderLookupOf(mentions: string[]): { ids: number[]; accountNumbers: string[] } {
  return {
    ids: mentions.filter((m) => /^\d{1,10}$/.test(m)).map(Number),
    accountNumbers: mentions,
  };
}

export interface MentionMatch {
  /** The owner's order the first matching mention names, if any. */
  own: NativeOrder | null;
  /** Orders of other customers that mentions named: never linked, reported. */
  foreign: NativeOrder[];
}

/**
 * The orders found for a batch of tickets, indexed by what a mention can name: the ACCOUNT_NUMBER (in
 * any case, as the database compares it) and the ID. A backfill matches a thousand tickets' mentions
 * against the batch's orders; a scan of them all per mention grew with the square of the batch.
 */
export class OrderIndex {
  private readonly byNumber = new Map<string, number[]>();
  private readonly byId = new Map<number, number>();

  constructor(private readonly orders: readonly NativeOrder[]) {
    orders.forEach((order, position) => {
      if (order.accountNumber !== null) {
        const key = order.accountNumber.toLowerCase();
        const positions = this.byNumber.get(key) ?? [];
        positions.push(position);
        this.byNumber.set(key, positions);
      }
      if (!this.byId.has(order.id)) this.byId.set(order.id, position);
    });
  }

  byOrderId(id: number): NativeOrder | undefined {
    const position = this.byId.get(id);
    return position === undefined ? undefined : this.orders[position];
  }

  /** The orders a mention names (its ACCOUNT_NUMBER, or its ID when it is all digits), in found order. */
  named(mention: string): NativeOrder[] {
    const positions = new Set(this.byNumber.get(mention.toLowerCase()) ?? []);
    if (/^\d+$/.test(mention)) {
      const position = this.byId.get(Number(mention));
      if (position !== undefined) positions.add(position);
    }
    return [...positions].sort((a, b) => a - b).map((position) => this.orders[position]);
  }
}

export function matchMentions(mentions: string[], orders: OrderIndex, ownerId: number | null): MentionMatch {
  const foreign: NativeOrder[] = [];
  for (const mention of mentions) {
    const named = orders.named(mention);
    // A mention can name two orders (one's ACCOUNT_NUMBER is another's ID): prefer the owner's.
    const own = ownerId ? named.find((o) => o.userId === ownerId) : undefined;
    if (own) return { own, foreign };
    for (const order of named) if (!foreign.some((f) => f.id === order.id)) foreign.push(order);
  }
  return { own: null, foreign };
}
