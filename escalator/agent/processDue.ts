import { computeTickets } from '../state/computeState';
import { pendingDueAt, storeComputation } from '../state/storeState';
import { AgentContext } from './context';
import { dueTicketIds } from './dueTickets';
import { escalateTicket } from './escalateTicket';
import { AlreadyEscalated } from './escalationStore';
import type { PassHooks, PassResult } from './pass';
import { PassCache } from './passCache';

/**
 * The due part of a pass: batches of due tickets (by the index), each ticket's SLA computed from its
 * history at `now`; a ticket with due points is escalated in one transaction (escalateTicket), one
 * without (its next_due_at was early: a reply came, a pause began) just gets its state stored. A ticket
 * that fails keeps its past next_due_at, so the next pass tries it again; this pass does not.
 */
export async function runDuePoints(
  ctx: AgentContext,
  cache: PassCache,
  now: Date,
  result: PassResult,
  hooks: PassHooks,
): Promise<void> {
  const attempted: number[] = [];
  for (;;) {
    const ids = await dueTicketIds(ctx.db, now, ctx.escalation.batchSize, attempted);
    if (ids.length === 0) return;
    attempted.push(...ids);
    result.examined += ids.length;
    const batch = await computeTickets(ctx.db, ctx, ids, now);
    // Loaded before the transactions: inside one, a lookup would need a second pooled connection.
    for (const site of new Set(batch.map((c) => c.ticket.site_id))) {
      await Promise.all([cache.criticalities(site), cache.language(site)]);
    }
    for (const c of batch) {
      if (c.plan.due.length === 0) {
        await storeComputation(ctx.db, ctx, c, pendingDueAt(c));
        continue;
      }
      try {
        const done = await escalateTicket(ctx, cache, c, now);
        result.applied += done.applied;
        result.fired.push(...done.fired);
        result.recorded += done.recorded;
        await hooks.onTicket?.(c.ticket.id, done);
      } catch (err) {
        if (err instanceof AlreadyEscalated) continue;
        result.failed++;
        ctx.logger.error(`escalation of ticket ${c.ticket.id} failed: ${(err as Error).message}`, {
          ticketId: c.ticket.id,
        });
      }
    }
  }
}
