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
  const sites = new Map<string, Promise<SiteFacts | null>>();
  let sale: Promise<SaleTables> | null = null;
  const saleTables = (): Promise<SaleTables> =>
    (sale ??= existingTables(db, ['b_sale_order', 'b_sale_order_delivery']).then((found) => ({
      order: found.has('b_sale_order'),
      delivery: found.has('b_sale_order_delivery'),
    })));
  const statements = new Map<number, string>();
  const load = async (ids: readonly number[]): Promise<TicketFacts[]> => {
    const tables = await saleTables();
    let sql = statements.get(ids.length);
    if (!sql) statements.set(ids.length, (sql = ticketFactsSql(tables, ids.length)));
    return loadTicketFacts(db, sql, ids);
  };
  const prefetched = new Map<number, { facts: TicketFacts; uses: number }>();
  return {
    async ticket(id) {
      const ready = prefetched.get(id);
      if (ready) {
        if (--ready.uses === 0) prefetched.delete(id);
        return ready.facts;
      }
      return (await load([id]))[0] ?? null;
    },
    async prefetchTickets(ids) {
      const uses = new Map<number, number>();
      for (const id of ids) if (id > 0) uses.set(id, (uses.get(id) ?? 0) + 1);
      if (uses.size === 0) return;
      for (const facts of await load([...uses.keys()]))
        prefetched.set(facts.id, {
          facts,
          uses: (prefetched.get(facts.id)?.uses ?? 0) + (uses.get(facts.id) ?? 0),
        });
    },
    message: (id) => loadMessage(db, id),
    site(id) {
      let cached = sites.get(id);
      if (!cached) {
        cached = loadSite(db, id);
        sites.set(id, cached);
      }
      return cached;
    },
    users: (ids) => loadUsers(db, ids),
  };
}
