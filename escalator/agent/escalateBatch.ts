import { Knex } from 'knex';
import { insertLogLines, lockTickets, updateTickets } from '../../bridge/ticketBatchWrites';
import { instantToNative } from '../../core/time';
import { appendOwnEvents } from '../../store/ticketEvents';
import { TicketComputation } from '../state/computeState';
import { writeComputations } from '../state/storeState';
import { PlannedEscalation, PlannedTicket, planTicket } from './batchPlan';
import { AgentContext } from './context';
import { TicketEscalation } from './passResult';
import { claimEscalations, escalationIds, RowWithLine, setLogLineIds } from '../../store/escalations';
import { forgetIntents, recordIntents } from '../../store/nativeIntents';
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
  const local = instantToNative(now, ctx.zone);
  return ctx.db.transaction(async (trx) => {
    // Only the tickets a point acts on: a point merely recorded (overdue at install, superseded)
    // touches none of b_ticket, and no round after it can act (nothing it records moves a deadline).
    const native = await lockTickets(
      trx,
      batch.filter((c) => c.plan.due.some((p) => p.outcome === 'apply')).map((c) => c.ticket.id),
    );
    const plans: PlannedTicket[] = [];
    for (const c of batch)
      plans.push(await planTicket(ctx, cache, c, native.get(c.ticket.id) ?? null, local, now));
    const points = plans.flatMap((p) => p.escalations);
    await claimEscalations(
      trx,
      points.map((p) => p.row),
      now,
    );
    // Only where a failed batch would leave native writes behind (MyISAM): on InnoDB they roll back.
    const intents = cache.nativeTransactional ? [] : plans.flatMap((p) => p.intents);
    await recordIntents(ctx.db, intents, now);
    recorded(intents.map((i) => i.effectKey));
    await updateTickets(
      trx,
      plans.flatMap((p) => (p.update ? [p.update] : [])),
      local,
    );
    await writeLogLines(trx, plans);
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
    await queueBatchWebhooks(trx, ctx, points, now);
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
async function writeLogLines(trx: Knex.Transaction, plans: readonly PlannedTicket[]): Promise<void> {
  const lines = plans.flatMap((p) => p.logLines);
  const firstLineId = await insertLogLines(trx, lines);
  if (firstLineId === null) return;
  const withLine: RowWithLine[] = [];
  for (const plan of plans) {
    for (const e of plan.escalations) {
      if (e.logLine === null) continue;
      const line = plan.logLines[e.logLine];
      withLine.push({ row: e.row, line: { ticketId: line.ticket.ID, number: line.number } });
    }
  }
  await setLogLineIds(trx, withLine, firstLineId);
}

/** The webhook deliveries, under their escalation rows (whose IDs only they need). */
async function queueBatchWebhooks(
  trx: Knex.Transaction,
  ctx: AgentContext,
  points: readonly PlannedEscalation[],
  now: Date,
): Promise<void> {
  if (ctx.escalation.webhooks.length === 0) return;
  const notify = points.filter((p) => p.webhook !== null);
  const ids = await escalationIds(
    trx,
    notify.map((p) => p.row),
  );
  await queueManyWebhooks(
    trx,
    ctx.escalation.webhooks,
    notify.map((p, i) => ({ escalationId: ids[i], ...p.webhook! })),
    now,
  );
}
