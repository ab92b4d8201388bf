import { Db } from '../../core/db';
import { existingTables } from '../../bridge/bitrixTables';
import { loadMessage, MessageFacts } from './messageFacts';
import { loadSite, SiteFacts } from './sites';
import { loadTicketFacts, SaleTables, TicketFacts } from './ticketFacts';
import { loadUsers, UserFacts } from './users';

/**
 * The reads a mail needs, with sites and the presence of the sale tables remembered for the life of the
 * reader (one sender pass): those change rarely, tickets and messages are read fresh for every mail.
 */
export interface FactsReader {
  ticket(id: number): Promise<TicketFacts | null>;
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
  return {
    async ticket(id) {
      return loadTicketFacts(db, id, await saleTables());
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
