import { performance } from 'node:perf_hooks';
import { withNamedLock } from '../../core/dbLock';
import { refreshStaleSla } from '../state/refreshSla';
import { rewriteStatesOfChangedList } from '../state/slaStateList';
import { DeliveryResult, deliverWebhooks } from '../webhooks/deliver';
import { AgentContext } from './context';
import { queueInstallDigest } from './digest';
import { distributeNewTickets } from './distribute';
import { escalateComputed, runDuePoints } from './processDue';
import { createPassCache } from './passCache';
import { recordPass } from '../../store/cursors';
import { emptyPassResult, PassHooks, PassResult } from './passResult';

/**
 * One escalation pass at `now`. Only one instance runs it: the 'escalate' named lock is taken with no
 * wait, and a daemon (or CLI run) that does not get it skips the pass; the next timer tick tries again.
 * Order: distribute new tickets, catch up stale SLA states (escalating those found due at once), act
 * on the due ones, send the install digest. Distribution comes first so that a notice's assignee is the
 * distributed one. The webhooks go out after the lock is released (deliverPassWebhooks), so a slow
 * endpoint never holds up the next pass, here or in another daemon. This is the pass, then its
 * webhooks (the CLI and tests: one call that returns when all of it is done).
 */
export async function runEscalationPass(
  ctx: AgentContext,
  now: Date,
  hooks: PassHooks = {},
): Promise<PassResult> {
  const result = await escalateUnderLock(ctx, now, hooks);
  if (!result.ran) return result;
  return { ...result, webhooks: await deliverPassWebhooks(ctx, now) };
}

/** The pass without its webhooks, under the 'escalate' lock; emits pass:finished, skipped or not. */
export async function escalateUnderLock(
  ctx: AgentContext,
  now: Date,
  hooks: PassHooks = {},
): Promise<PassResult> {
  const locked = await withNamedLock(ctx.target, 'escalate', 0, () => pass(ctx, now, hooks));
  if (!locked.acquired) ctx.logger.info('another escalation pass is running: skipped');
  const result = locked.acquired ? locked.value : { ...emptyPassResult(), ran: false };
  ctx.events?.emit('pass:finished', result);
  return result;
}

/**
 * The due webhook deliveries, after the pass released the 'escalate' lock. Their own 'webhooks' lock
 * keeps two daemons from POSTing the same pending row at once: one that does not get it leaves the
 * rows to the holder or the next pass. Without configured webhooks nothing is POSTed (deliverWebhooks
 * only marks rows left by a removed webhook failed), so no lock is needed and none is taken.
 */
export async function deliverPassWebhooks(ctx: AgentContext, now: Date): Promise<DeliveryResult> {
  const deliver = () =>
    deliverWebhooks(
      { db: ctx.db, logger: ctx.logger, config: ctx.escalation, http: ctx.http, clock: ctx.clock },
      now,
    );
  let delivered: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  if (ctx.escalation.webhooks.length === 0) delivered = await deliver();
  else {
    const locked = await withNamedLock(ctx.target, 'webhooks', 0, deliver);
    if (locked.acquired) delivered = locked.value;
    else ctx.logger.info('another process is delivering webhooks: left to it');
  }
  ctx.events?.emit('webhooks:delivered', delivered);
  return delivered;
}

async function pass(ctx: AgentContext, now: Date, hooks: PassHooks): Promise<PassResult> {
  const started = performance.now();
  const result = emptyPassResult();
  result.distributed = await distributeNewTickets(ctx, now);
  // Before the refresh, which then writes the tickets this marks.
  result.listCheckPending = (await rewriteStatesOfChangedList(ctx, now)).pending;
  const cache = await createPassCache(ctx, now);
  const tried = new Set<number>();
  result.refreshed = await refreshStaleSla(ctx, now, ctx.escalation.refreshLimit, {
    // A stale ticket found due is escalated at once, its state stored with its escalation.
    takeOver: async (computed) => {
      const due = computed.filter((c) => c.plan.due.length > 0);
      result.examined += due.length;
      due.forEach((c) => tried.add(c.ticket.id));
      await escalateComputed(ctx, cache, due, now, result, hooks);
      return computed.filter((c) => c.plan.due.length === 0);
    },
  });
  await runDuePoints(ctx, cache, now, result, hooks, tried);
  result.digest = await queueInstallDigest(ctx.db, cache.people.supervisors, now);
  result.durationMs = Math.round(performance.now() - started);
  await recordPass(ctx.db, { startedAt: now, durationMs: result.durationMs, applied: result.applied }, now);
  if (result.applied || result.recorded || result.failed || result.distributed) {
    ctx.logger.info(
      `escalation pass: ${result.applied} action(s) applied, ${result.recorded} recorded, ${result.failed} failed, ${result.distributed} ticket(s) distributed`,
      { ...result },
    );
  }
  return result;
}
