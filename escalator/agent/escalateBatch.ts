import { insertLogLines, lastLogNumbers, lockTickets, updateTickets } from '../../bridge/ticketBatchWrites';
import { instantToNative } from '../../core/time';
import { appendOwnEvents } from '../history/ticketEvents';
import { TicketComputation } from '../state/computeState';
import { writeComputations } from '../state/storeState';
import { PlannedTicket, planTicket } from './batchPlan';
import { AgentContext } from './context';
import { TicketEscalation } from './escalateTicket';
import { claimEscalations, setEscalationActions } from './escalationStore';
import { forgetIntents, recordIntents } from './nativeEffects';
import { queueManyWebhooks, queueNotices } from './notices';
import { PassCache } from './passCache';

/**
 * The due points of many tickets in ONE transaction and a fixed number of statements, whatever the
 * number of tickets (escalateTicket takes about twelve a ticket and a commit). The same guarantees as
 * escalateTicket's: the tickets' b_ticket rows locked first (in ID order); the escalation rows claimed
 * in one INSERT before any native write, so a key another process took fails the whole batch before
 * b_ticket is touched (the caller then goes ticket by ticket: escalateTicket rolls back the taken
 * ones); native changes recorded (committed) as intents before they are made; the SLA states stored
 * under the sla_version guard. A crash before the commit leaves nothing (but the intents), after it
 * everything.
 *
 * `recorded`: called with the intents' keys once they are committed, so that a caller retrying the
 * tickets one by one after a failure knows the batch may have left native writes (MyISAM).
 */
export async function escalateBatch(
  ctx: AgentContext,
  cache: PassCache,
  batch: readonly TicketComputation[],
  now: Date,
  recorded: (effectKeys: string[]) => void,
): Promise<Map<number, TicketEscalation>> {
  return ctx.db.transaction(async (trx) => {
    const ids = batch.map((c) => c.ticket.id);
    const native = await lockTickets(trx, ids);
    const numbers = await lastLogNumbers(trx, [...native.keys()]);
    const plans: PlannedTicket[] = [];
    for (const c of batch)
      plans.push(
        await planTicket(ctx, cache, c, native.get(c.ticket.id) ?? null, numbers.get(c.ticket.id) ?? 0, now),
      );
    const points = plans.flatMap((p) => p.escalations);
    const escalationIds = await claimEscalations(
      trx,
      points.map((p) => p.row),
      now,
    );
    const intents = plans.flatMap((p) => p.intents);
    await recordIntents(ctx.db, intents, now);
    recorded(intents.map((i) => i.effectKey));
    await updateTickets(
      trx,
      plans.flatMap((p) => (p.update ? [p.update] : [])),
      instantToNative(now, ctx.zone),
    );
    await writeLogLines(trx, plans, escalationIds);
    await appendOwnEvents(
      trx,
      plans.flatMap((p) => p.events),
      now,
    );
    await queueNotices(
      trx,
      plans.flatMap((p) => p.notices),
      now,
    );
    await queueManyWebhooks(
      trx,
      ctx.escalation.webhooks,
      points.flatMap((p, i) => (p.webhook ? [{ escalationId: escalationIds[i], ...p.webhook }] : [])),
      now,
    );
    await forgetIntents(
      trx,
      intents.map((i) => i.effectKey),
    );
    await writeComputations(
      trx,
      ctx,
      plans.map((p) => ({ computation: p.after, nextDueAt: p.nextDueAt, extra: p.extra })),
    );
    return new Map(plans.map((p) => [p.after.ticket.id, p.done]));
  });
}

/** The log lines, then their IDs into the actions of the escalation rows that wrote them. */
async function writeLogLines(
  trx: Parameters<typeof insertLogLines>[0],
  plans: readonly PlannedTicket[],
  escalationIds: readonly number[],
): Promise<void> {
  const lines = plans.flatMap((p) => p.logLines);
  const lineIds = await insertLogLines(trx, lines);
  const withLine: Array<{ id: number; actions: Record<string, unknown> }> = [];
  let point = 0;
  let line = 0;
  for (const plan of plans) {
    for (const e of plan.escalations) {
      if (e.logLine !== null) {
        e.row.actions.logMessageId = lineIds[line + e.logLine];
        withLine.push({ id: escalationIds[point], actions: e.row.actions });
      }
      point++;
    }
    line += plan.logLines.length;
  }
  await setEscalationActions(trx, withLine);
}
