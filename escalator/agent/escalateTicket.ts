import { lockTicket } from '../../bridge/ticketWrites';
import { appendOwnEvents } from '../../store/ticketEvents';
import { computeSla } from '../../sla/slaEngine';
import { SlaEvent } from '../../sla/slaTypes';
import { deadlinesInForce } from '../state/deadlinesInForce';
import { TicketComputation } from '../state/computeState';
import { pendingDueAt, writeComputation } from '../state/storeState';
import { actOnPoint, queuePointWebhooks } from './actOnPoint';
import { AgentContext } from './context';
import { FiredEscalation, recordEscalation } from '../../store/escalations';
import { PassCache } from './passCache';
import { TicketEscalation } from './passResult';
import { planEscalations } from './plan';

/** A ticket whose own escalation made new points due (a raised priority) is planned again, this often. */
const ROUNDS = 3;

/**
 * All of a ticket's due points in ONE transaction, with the ticket's b_ticket row locked: for each
 * point its effects (criticality, responsible, log line, outbox notice, webhook deliveries) and its
 * escalation row; then the SLA state computed again in memory from the history plus what was just
 * done, stored with next_due_at moved on. A crash before the commit leaves nothing, after it
 * everything; a second process reaching the same point fails on the escalation row's unique key
 * (AlreadyEscalated) and rolls all of it back.
 */
export async function escalateTicket(
  ctx: AgentContext,
  cache: PassCache,
  c: TicketComputation,
  now: Date,
): Promise<TicketEscalation> {
  return ctx.db.transaction(async (trx) => {
    const native = await lockTicket(trx, c.ticket.id);
    const done: TicketEscalation = { applied: 0, recorded: 0, fired: [] };
    const columns: Record<string, string | number | null> = {};
    let events: SlaEvent[] = c.events;
    let fired: FiredEscalation[] = c.fired;
    let lastOwnRaise = c.lastOwnRaiseAt;
    let bump = 0;
    let { state, plan } = c;
    for (let round = 0; round < ROUNDS && plan.due.length > 0; round++) {
      for (const point of plan.due) {
        const row = {
          ticketId: c.ticket.id,
          target: point.target,
          level: point.level.name,
          cycle: point.cycle,
          dueAt: point.at,
          deadlineAt: point.deadline,
        };
        fired = [
          ...fired,
          { target: point.target, level: point.level.name, cycle: point.cycle, dueAt: point.at },
        ];
        if (point.outcome !== 'apply') {
          await recordEscalation(trx, { ...row, outcome: point.outcome, actions: {} }, now);
          done.recorded++;
          continue;
        }
        const acted = await actOnPoint(trx, ctx, cache, c.ticket, native, point, lastOwnRaise, now);
        if (acted.priority) {
          // Our own change is history too, marked as ours: the deadlines follow it, a later breach
          // reached before it does not raise again (see actOnPoint).
          await appendOwnEvents(
            trx,
            [{ ticketId: c.ticket.id, at: now, kind: 'priority', value: acted.priority }],
            now,
          );
          events = [...events, { at: now, kind: 'priority', priority: acted.priority }];
          columns.priority = acted.priority;
          lastOwnRaise = now;
          bump++;
        }
        // The mirror follows at once, so the next reassignment of this pass counts this ticket's load.
        if (acted.assignedTo) columns.assigned_to = acted.assignedTo;
        columns.escalation_level = point.level.name;
        const id = await recordEscalation(trx, { ...row, outcome: 'applied', actions: acted.actions }, now);
        await queuePointWebhooks(trx, ctx, id, point, acted, now);
        done.applied++;
        done.fired.push({ level: point.level.name, target: point.target });
      }
      state = computeSla(events, ctx.policy);
      plan = planEscalations(state, ctx.levels, fired, now, ctx.installedAt);
    }
    const after: TicketComputation = {
      ...c,
      events,
      state,
      plan,
      fired,
      lastOwnRaiseAt: lastOwnRaise,
      stored: deadlinesInForce(events, ctx.policy, state),
    };
    await writeComputation(trx, ctx, after, pendingDueAt(after), { columns, versionBump: bump });
    return done;
  });
}
