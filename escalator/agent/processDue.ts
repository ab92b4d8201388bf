import { computeTickets, TicketComputation } from '../state/computeState';
import { pendingDueAt, storeComputation } from '../state/storeState';
import { applyPoint } from './applyPoint';
import { AgentContext } from './context';
import { dueTicketIds } from './dueTickets';
import type { PassHooks, PassResult } from './pass';
import { PassPeople } from './recipients';

/** A ticket whose own escalation made new points due (a raised priority) is looked at again, this often. */
const ROUNDS = 3;

/**
 * The due part of a pass: batches of due tickets (by the index), each ticket's SLA computed from its
 * history at `now`, its due points applied in time order (one transaction each), then its state stored
 * again so next_due_at moves to its next point. A point that fails stops that ticket for this pass:
 * next_due_at stays at the failed point and the next pass retries it.
 */
export async function runDuePoints(
  ctx: AgentContext,
  people: PassPeople,
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
    let batch = await computeTickets(ctx.db, ctx, ids, now);
    for (let round = 1; round <= ROUNDS && batch.length > 0; round++) {
      const touched: number[] = [];
      const failed = new Set<number>();
      for (const c of batch) {
        const outcome = await applyDue(ctx, people, c, now, result, hooks);
        if (outcome === 'failed') failed.add(c.ticket.id);
        if (outcome === 'idle') await storeComputation(ctx.db, ctx, c, pendingDueAt(c));
        else touched.push(c.ticket.id);
      }
      // Read back what was just written (escalation rows, a raised priority) and store the new state.
      batch = await computeTickets(ctx.db, ctx, touched, now);
      const again: TicketComputation[] = [];
      for (const c of batch) {
        if (c.plan.due.length > 0 && round < ROUNDS && !failed.has(c.ticket.id)) again.push(c);
        else await storeComputation(ctx.db, ctx, c, pendingDueAt(c));
      }
      batch = again;
    }
  }
}

/** Applies the ticket's due points: 'acted' when anything was written, 'failed' when a point failed. */
async function applyDue(
  ctx: AgentContext,
  people: PassPeople,
  c: TicketComputation,
  now: Date,
  result: PassResult,
  hooks: PassHooks,
): Promise<'idle' | 'acted' | 'failed'> {
  let acted = false;
  for (const point of c.plan.due) {
    try {
      const done = await applyPoint(ctx, people, c, point, now);
      acted = true;
      if (done?.outcome === 'applied') result.applied++;
      else if (done) result.recorded++;
      await hooks.onPoint?.(c.ticket.id, point.level.name);
    } catch (err) {
      result.failed++;
      ctx.logger.error(
        `escalation of ticket ${c.ticket.id} (${point.target}, ${point.level.name}) failed: ${(err as Error).message}`,
        {
          ticketId: c.ticket.id,
        },
      );
      return 'failed';
    }
  }
  return acted ? 'acted' : 'idle';
}
