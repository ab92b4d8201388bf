import { Knex } from 'knex';
import { readTicketHeads, sign, UfColumns } from '../../bridge/nativeTickets';
import { TicketSql } from '../mapping/ticketSql';
import { assignNumbers, countByDay } from '../mapping/ticketNumber';
import { linkOrders, saveOrderLinks, titleLinkInput, ufValueAfter } from '../orderLinker';
import { BatchOutcome, emptyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { reserveNumbersByDay } from '../store/numbers';
import { copyNewTickets } from '../store/ticketUpsert';
import { mirroredTicketIdsIn } from '../store/tickets';
import { recordNewTickets } from '../store/ticketHistory';

/**
 * A backfill's batch of history tickets mirrored by the server: one INSERT … SELECT from b_ticket that
 * computes every mirror column as mapTicket would (sync/mapping/ticketSql.ts), where the ticket phase
 * otherwise reads each row into Node and sends it back as literals (most of a backfill's client CPU and
 * bytes). Node still decides what needs more than SQL, from a narrow read of the same rows: the order
 * links (titles) and the numbers of each day. Used only when every row of the batch is "ordinary"
 * (history, dates within the zone table, see ticketSql.ts) and the span holds no mirror row yet;
 * otherwise returns null and the caller maps the batch in Node, as any other. Runs inside the caller's
 * transaction, which holds the 'ticket' cursor lock.
 */
export async function copyHistoryTickets(
  trx: Knex.Transaction,
  ctx: PassContext,
  sql: TicketSql,
  cursor: number,
  uf: UfColumns,
): Promise<{ outcome: BatchOutcome; rows: number; last: number } | null> {
  if (cursor >= ctx.baseline.ticketId) return null;
  const heads = await readTicketHeads(trx, cursor, ctx.batchSize, uf, sql.ordinary);
  if (heads.length === 0 || heads.some((h) => Number(h.ok) !== 1)) return null;
  const span = { after: cursor, upTo: Number(heads[heads.length - 1].ID) };
  if ((await mirroredTicketIdsIn(trx, span)).length > 0) return null;

  const caps = await ctx.capabilities();
  const links = await linkOrders(
    trx,
    ctx,
    heads.map((h) => titleLinkInput(h)),
  );
  const orders = new Map<number, { orderId: number; orderSource: string | null }>();
  const ufFields = new Map<number, string>();
  const tickets = heads.map((h) => ({ id: Number(h.ID), day: h.day! }));
  for (const h of heads) {
    const id = Number(h.ID);
    const link = links.get(id);
    if (link?.orderId != null) orders.set(id, { orderId: link.orderId, orderSource: link.orderSource });
    // The signature holds the UF value as it reads after our write-back (see mirrorNewTickets).
    const field = sign(ufValueAfter(link, h.UF_ORDER_ID, caps.ufOrderId));
    if (field !== '') ufFields.set(id, field);
  }
  const counts = countByDay(tickets);
  const reserved = await reserveNumbersByDay(trx, counts);
  const firstSeq = new Map([...counts].map(([day, n]) => [day, reserved.get(day)! - n + 1]));
  const inserted = await copyNewTickets(trx, sql, span, { firstSeq, orders, ufFields });
  // The heads were read with locks, so the copy sees the same rows; anything else is a bug to stop at.
  if (inserted !== heads.length)
    throw new Error(
      `ticket copy inserted ${inserted} of ${heads.length} rows in ${span.after}..${span.upTo}`,
    );
  await recordNewTickets(trx, span, ctx.now);
  await saveOrderLinks(trx, ctx, links, { mirror: 'inserted' });

  const outcome = emptyOutcome();
  const numbers = assignNumbers(tickets, reserved);
  outcome.tickets = heads.length;
  outcome.ticketNotices = tickets.map((t) => ({
    ticketId: t.id,
    number: numbers.get(t.id)!,
    kind: 'created',
  }));
  return { outcome, rows: heads.length, last: span.upTo };
}
