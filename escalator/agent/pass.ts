import { performance } from 'node:perf_hooks';
import { withNamedLock } from '../../core/dbLock';
import { refreshStaleSla } from '../state/refreshSla';
import { deliverWebhooks } from '../webhooks/deliver';
import { AgentContext } from './context';
import { queueInstallDigest } from './digest';
import { distributeNewTickets } from './distribute';
import { escalateComputed, runDuePoints } from './processDue';
import { createPassCache } from './passCache';
import { emptyPassResult, PassHooks, PassResult } from './passResult';
import { recordPass } from './passStatus';

/**
 * One escalation pass at `now`. Only one instance runs it: the 'escalate' named lock is taken with no
 * wait, and a daemon (or CLI run) that does not get it skips the pass; the next timer tick tries again.
 * Order: distribute new tickets, catch up stale SLA states (escalating those found due at once), act
 * on the due ones, send the install digest, then the webhooks (last, so a slow endpoint holds nothing
 * up). Distribution comes first so that a notice's assignee is the distributed one.
 */
export async function runEscalationPass(
  ctx: AgentContext,
  now: Date,
  hooks: PassHooks = {},
): Promise<PassResult> {
  const locked = await withNamedLock(ctx.target, 'escalate', 0, () => pass(ctx, now, hooks));
  if (locked.acquired) return locked.value;
  ctx.logger.info('another escalation pass is running: skipped');
  return { ...emptyPassResult(), ran: false };
}

async function pass(ctx: AgentContext, now: Date, hooks: PassHooks): Promise<PassResult> {
  const started = performance.now();
  const result = emptyPassResult();
  result.distributed = await distributeNewTickets(ctx, now);
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
  result.webhooks = await deliverWebhooks(
    { db: ctx.db, logger: ctx.logger, config: ctx.escalation, http: ctx.http },
    now,
  );
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
