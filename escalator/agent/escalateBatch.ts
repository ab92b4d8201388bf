import { Knex } from 'knex';
import { insertLogLines, lockTickets, TicketUpdate, updateTickets } from '../../bridge/ticketBatchWrites';
import { instantToNative } from '../../core/time';
import { appendOwnEvents } from '../../store/ticketEvents';
import { LogLine } from '../../bridge/ticketWrites';
import { TicketComputation } from '../state/computeState';
import { writeComputations } from '../state/storeState';
import { PlannedEscalation, PlannedTicket, planTicket } from './batchPlan';
import { AgentContext } from './context';
import { TicketEscalation } from './passResult';
import { claimEscalations, escalationIds, setLogLineIds, withLogLine } from '../../store/escalations';
import { forgetIntents, recordIntents } from '../../store/nativeIntents';
import { queueManyWebhooks, queueNotices } from './notices';
import { PassCache } from './passCache';

/**
 * The due points of many tickets in ONE transaction and a fixed number of statements, whatever the
 * number of tickets (escalateTicket takes about twelve a ticket and a commit). The same guarantees as
 * escalateTicket's: the tickets' b_ticket rows locked first (in ID order); the escalation rows claimed
 * in one INSERT, so a key another process took fails the whole batch (the caller then goes ticket by
 * ticket: escalateTicket rolls back the taken ones): on InnoDB native tables the claim comes after the
 * native writes, which roll back with it; on MyISAM ones before any, and the native changes are
 * recorded (committed) as intents before they are made. The SLA states are stored under the
 * sla_version guard. A crash before the commit leaves nothing (but the intents), after it everything.
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
    const { points, intentKeys } = cache.nativeTransactional
      ? await writeNativeThenClaim(trx, plans, local, now)
      : await claimThenWriteNative(trx, ctx, plans, local, now, recorded);
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
    await forgetIntents(trx, intentKeys);
    await writeComputations(
      trx,
      ctx,
      plans.map((p) => ({ computation: p.after, nextDueAt: p.nextDueAt, extra: p.extra })),
    );
    return new Map(plans.map((p) => [p.after.ticket.id, p.done]));
  });
}

/**
 * Native tables that roll back (InnoDB): b_ticket changed and the log lines written first, so that each
 * escalation row is claimed with its line's ID in the one INSERT that claims it. A key another process
 * took fails that INSERT and the whole batch rolls back, native writes and all.
 */
async function writeNativeThenClaim(
  trx: Knex.Transaction,
  plans: readonly PlannedTicket[],
  local: string,
  now: Date,
): Promise<{ points: PlannedEscalation[]; intentKeys: string[] }> {
  await updateTickets(trx, ticketUpdates(plans), local);
  const points = withLineIds(plans, await insertLogLines(trx, logLinesOf(plans)));
  await claimEscalations(
    trx,
    points.map((p) => p.row),
    now,
  );
  return { points, intentKeys: [] };
}

/**
 * Native tables that keep a write the batch rolls back (MyISAM): nothing native is written before the
 * rows are claimed and the intents recorded (committed, on a connection of their own); the lines' IDs
 * go into the claimed rows after. The intents' keys are forgotten in the batch's transaction.
 */
async function claimThenWriteNative(
  trx: Knex.Transaction,
  ctx: AgentContext,
  plans: readonly PlannedTicket[],
  local: string,
  now: Date,
  recorded: (effectKeys: string[]) => void,
): Promise<{ points: PlannedEscalation[]; intentKeys: string[] }> {
  const claimed = plans.flatMap((p) => p.escalations);
  await claimEscalations(
    trx,
    claimed.map((p) => p.row),
    now,
  );
  const intents = plans.flatMap((p) => p.intents);
  await recordIntents(ctx.db, intents, now);
  recorded(intents.map((i) => i.effectKey));
  await updateTickets(trx, ticketUpdates(plans), local);
  const points = withLineIds(plans, await insertLogLines(trx, logLinesOf(plans)));
  await setLogLineIds(
    trx,
    points.flatMap((p) => (p.logLine === null ? [] : [p.row])),
  );
  return { points, intentKeys: intents.map((i) => i.effectKey) };
}

function logLinesOf(plans: readonly PlannedTicket[]): LogLine[] {
  return plans.flatMap((p) => p.logLines);
}

function ticketUpdates(plans: readonly PlannedTicket[]): TicketUpdate[] {
  return plans.flatMap((p) => (p.update ? [p.update] : []));
}

/**
 * The planned escalations with the IDs of the lines they wrote (`lineIds`: of the plans' lines, in
 * their order) in actions.logMessageId.
 */
function withLineIds(plans: readonly PlannedTicket[], lineIds: readonly number[]): PlannedEscalation[] {
  const out: PlannedEscalation[] = [];
  let first = 0;
  for (const plan of plans) {
    for (const e of plan.escalations)
      out.push(e.logLine === null ? e : { ...e, row: withLogLine(e.row, lineIds[first + e.logLine]) });
    first += plan.logLines.length;
  }
  return out;
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
