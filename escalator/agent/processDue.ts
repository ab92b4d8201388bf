import { computeTicketRows, TicketComputation } from '../state/computeState';
import { storeComputations } from '../state/refreshSla';
import { pendingDueAt } from '../state/storeState';
import { batchable } from './batchPlan';
import { AgentContext } from './context';
import { dueTickets } from './dueTickets';
import { escalateBatch } from './escalateBatch';
import { escalateTicket } from './escalateTicket';
import { AlreadyEscalated } from '../../store/escalations';
import type { PassHooks, PassResult, TicketEscalation } from './passResult';
import { PassCache } from './passCache';
import { writeTwoAtOnce } from '../../core/readAhead';

/**
 * The due part of a pass: batches of due tickets (escalation.batchSize, by the index), each ticket's
 * SLA computed from its history at `now`. The tickets with due points are escalated together in one
 * transaction (escalateBatch); those without (their next_due_at was early: a reply came, a pause
 * began) just get their state stored, together too. A batch that fails (one bad ticket, a key another
 * process took, a deadlock) is done again one ticket per transaction (escalateTicket), so the others
 * still go through; a ticket escalateBatch does not take (batchPlan.ts batchable) goes that way at
 * once, in its place in the order. A ticket that fails keeps its past next_due_at, so the next pass
 * tries it again; this pass does not. Two batches are written at once (see below).
 */
export async function runDuePoints(
  ctx: AgentContext,
  cache: PassCache,
  now: Date,
  result: PassResult,
  hooks: PassHooks,
  /**
   * Tickets this pass already tried (here, or the SLA catch-up that escalated them): not tried again
   * until the next pass. Which of them are still due (failed, or their store lost the version guard)
   * is not asked: the due query says it by returning one again, and only those go into the query's
   * skip list (the others left the due range, and a list of every ticket a big pass handled would
   * grow each query). Grows with the tickets this call tries.
   */
  tried: Set<number> = new Set(),
): Promise<void> {
  const skip: number[] = [];
  /** The next batch: due rows but the skipped and `inFlight` ones, those not tried yet computed. */
  const readBatch = async (inFlight: readonly number[]): Promise<DueBatch> => {
    const rows = await dueTickets(ctx.db, now, ctx.escalation.batchSize, [...skip, ...inFlight]);
    const fresh = rows.filter((r) => !tried.has(r.id));
    skip.push(...rows.filter((r) => tried.has(r.id)).map((r) => r.id));
    fresh.forEach((r) => tried.add(r.id));
    result.examined += fresh.length;
    // A short batch was every ticket due at `now` but the skipped and in-flight ones: the rest of the
    // range is tickets this pass tried.
    const last = rows.length < ctx.escalation.batchSize;
    return { last, batch: await computeTicketRows(ctx.db, ctx, fresh, now) };
  };
  const write = async (batch: readonly TicketComputation[]) => {
    await storeComputations(
      ctx,
      batch.filter((c) => c.plan.due.length === 0),
      pendingDueAt,
    );
    await escalateComputed(
      ctx,
      cache,
      batch.filter((c) => c.plan.due.length > 0),
      now,
      result,
      hooks,
    );
  };
  // Two batches are written at once, each in its transactions on a connection of the pool (see
  // writeTwoAtOnce). They hold disjoint tickets (the due query leaves out those in flight, which stay
  // due until their batch commits), and every statement of a batch locks their rows by a primary or
  // unique key or inserts new ones, so the two lock no row in common.
  const ids = (b: DueBatch | null) => b?.batch.map((c) => c.ticket.id) ?? [];
  await writeTwoAtOnce(
    readBatch([]),
    (b, beside) => (b.last ? null : readBatch([...ids(beside), ...ids(b)])),
    (b) => write(b.batch),
  );
}

/** A batch of due tickets, computed; `last`: no more are due. */
interface DueBatch {
  last: boolean;
  batch: TicketComputation[];
}

/**
 * A batch holds escalation.batchSize tickets that a point acts on; tickets whose points are only
 * recorded (overdue at install: the first pass records thousands) lock nothing native and send
 * nothing, so up to this many of them share a transaction.
 */
const RECORDING_BATCH = 500;

/**
 * Tickets with due points, computed at `now`, escalated in batches in their order (also the pass's SLA
 * catch-up hands over the stale tickets it found due, so that they are not stored twice).
 */
export async function escalateComputed(
  ctx: AgentContext,
  cache: PassCache,
  computed: readonly TicketComputation[],
  now: Date,
  result: PassResult,
  hooks: PassHooks,
): Promise<void> {
  // Loaded before the transactions: inside one, a lookup would need a second pooled connection.
  for (const site of new Set(computed.map((c) => c.ticket.site_id))) {
    await Promise.all([cache.criticalities(site), cache.language(site)]);
  }
  const intentTickets = new Set([...cache.intents].map((key) => Number(key.split(':')[1])));
  let group: TicketComputation[] = [];
  let acting = 0;
  for (const c of computed) {
    if (batchable(ctx, c, intentTickets)) {
      group.push(c);
      if (c.plan.due.some((p) => p.outcome === 'apply')) acting++;
      if (acting < ctx.escalation.batchSize && group.length < RECORDING_BATCH) continue;
    } else {
      await escalateGroup(ctx, cache, group, now, result, hooks);
      group = [];
      acting = 0;
      await escalateOne(ctx, cache, c, now, result, hooks);
      continue;
    }
    await escalateGroup(ctx, cache, group, now, result, hooks);
    group = [];
    acting = 0;
  }
  await escalateGroup(ctx, cache, group, now, result, hooks);
}

async function escalateGroup(
  ctx: AgentContext,
  cache: PassCache,
  group: readonly TicketComputation[],
  now: Date,
  result: PassResult,
  hooks: PassHooks,
): Promise<void> {
  if (group.length === 0) return;
  let done: Map<number, TicketEscalation>;
  try {
    done = await escalateBatch(ctx, cache, group, now, (keys) => keys.forEach((k) => cache.intents.add(k)));
  } catch (err) {
    ctx.logger.warn(
      `escalation of ${group.length} ticket(s) together failed, each is tried on its own: ${(err as Error).message}`,
    );
    for (const c of group) await escalateOne(ctx, cache, c, now, result, hooks);
    return;
  }
  for (const c of group) await count(ctx, c, done.get(c.ticket.id)!, result, hooks);
}

async function escalateOne(
  ctx: AgentContext,
  cache: PassCache,
  c: TicketComputation,
  now: Date,
  result: PassResult,
  hooks: PassHooks,
): Promise<void> {
  let done: TicketEscalation;
  try {
    done = await escalateTicket(ctx, cache, c, now);
  } catch (err) {
    if (err instanceof AlreadyEscalated) return;
    result.failed++;
    ctx.logger.error(`escalation of ticket ${c.ticket.id} failed: ${(err as Error).message}`, {
      ticketId: c.ticket.id,
    });
    return;
  }
  await count(ctx, c, done, result, hooks);
}

/** After the ticket's escalation committed (alone or in its batch). */
async function count(
  ctx: AgentContext,
  c: TicketComputation,
  done: TicketEscalation,
  result: PassResult,
  hooks: PassHooks,
): Promise<void> {
  result.applied += done.applied;
  result.fired.push(...done.fired);
  result.recorded += done.recorded;
  for (const fired of done.fired) ctx.events?.emit('escalation:fired', { ticketId: c.ticket.id, ...fired });
  await hooks.onTicket?.(c.ticket.id, done);
}
