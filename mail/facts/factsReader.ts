import { Db } from '../../core/db';
import { existingTables } from '../../bridge/bitrixTables';
import { loadMessage, MessageFacts } from './messageFacts';
import { loadSite, SiteFacts } from './sites';
import { loadTicketFacts, SaleTables, ticketFactsSql, TicketFacts } from './ticketFacts';
import { loadUsers, UserFacts } from './users';

/**
 * The reads a mail needs, with sites and the presence of the sale tables remembered for the life of the
 * reader (one sender pass): those change rarely, tickets and messages are read fresh for every mail.
 */
export interface FactsReader {
  ticket(id: number): Promise<TicketFacts | null>;
  /**
   * Reads the facts of a claimed batch's tickets in one statement (`ids` as many times as the batch has
   * rows for the ticket); each copy serves one ticket() call, so every mail is still composed from what
   * its ticket looked like when the batch was claimed, and later reads are fresh.
   */
  prefetchTickets(ids: readonly number[]): Promise<void>;
  message(id: number): Promise<MessageFacts | null>;
  site(id: string): Promise<SiteFacts | null>;
  users(ids: readonly number[]): Promise<Map<number, UserFacts>>;
}

export function createFactsReader(db: Db): FactsReader {
  return new Reader(db);
}

/**
 * A class: ticket() and site() run for every mail, and V8 inlines them into the sender's optimised
 * code; closures made afresh for each pass invalidated that code pass after pass (outbox/claimBook.ts).
 */
class Reader implements FactsReader {
  private readonly sites = new Map<string, Promise<SiteFacts | null>>();
  private sale: Promise<SaleTables> | null = null;
  private readonly statements = new Map<number, string>();
  private readonly prefetched = new Map<number, { facts: TicketFacts; uses: number }>();

  constructor(private readonly db: Db) {}

  async ticket(id: number): Promise<TicketFacts | null> {
    const ready = this.prefetched.get(id);
    if (ready) {
      if (--ready.uses === 0) this.prefetched.delete(id);
      return ready.facts;
    }
    return (await this.load([id]))[0] ?? null;
  }

  async prefetchTickets(ids: readonly number[]): Promise<void> {
    const uses = new Map<number, number>();
    for (const id of ids) if (id > 0) uses.set(id, (uses.get(id) ?? 0) + 1);
    if (uses.size === 0) return;
    for (const facts of await this.load([...uses.keys()]))
      this.prefetched.set(facts.id, {
        facts,
        uses: (this.prefetched.get(facts.id)?.uses ?? 0) + (uses.get(facts.id) ?? 0),
      });
  }

  message(id: number): Promise<MessageFacts | null> {
    return loadMessage(this.db, id);
  }

  site(id: string): Promise<SiteFacts | null> {
    let cached = this.sites.get(id);
    if (!cached) {
      cached = loadSite(this.db, id);
      this.sites.set(id, cached);
    }
    return cached;
  }

  users(ids: readonly number[]): Promise<Map<number, UserFacts>> {
    return loadUsers(this.db, ids);
  }

  private saleTables(): Promise<SaleTables> {
    return (this.sale ??= existingTables(this.db, ['b_sale_order', 'b_sale_order_delivery']).then(
      (found) => ({ order: found.has('b_sale_order'), delivery: found.has('b_sale_order_delivery') }),
    ));
  }

  private async load(ids: readonly number[]): Promise<TicketFacts[]> {
    const tables = await this.saleTables();
    let sql = this.statements.get(ids.length);
    if (!sql) this.statements.set(ids.length, (sql = ticketFactsSql(tables, ids.length)));
    return loadTicketFacts(this.db, sql, ids);
  }
}
