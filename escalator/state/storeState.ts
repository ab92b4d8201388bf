import { Knex } from 'knex';
import { instantToNative, instantToUtc } from '../../core/time';
import { upsertUserFieldValues } from '../../bridge/userFieldValues';
import { TicketComputation } from './computeState';

/**
 * Writes a computed SLA state to bl_support_ticket and the ticket's user fields, in one transaction.
 * Guarded by sla_version: if history was written after the computation read it, nothing is stored
 * and the ticket stays stale, to be computed again from the newer history.
 */
export interface StoreDeps {
  /** The site's zone: UF_SLA_DEADLINE is a native (site-local) datetime. */
  zone: string;
  /** Which of UF_SLA_DEADLINE / UF_TICKET_NUMBER are installed. */
  userFields: ReadonlySet<string>;
}

/** What the agent changed on the mirror in the same transaction as the computation it stores. */
export interface StoreExtra {
  /** Mirror columns written with the SLA (priority, assigned_to, escalation_level). */
  columns?: Record<string, string | number | null>;
  /** History events the transaction appended: the stored version moves past them. */
  versionBump?: number;
}

/** `nextDueAt`: the plan's, or an earlier point still to be acted on (a failed or baseline pass). */
export async function storeComputation(
  db: Knex,
  deps: StoreDeps,
  c: TicketComputation,
  nextDueAt: Date | null,
): Promise<boolean> {
  return db.transaction((trx) => writeComputation(trx, deps, c, nextDueAt));
}

/**
 * The store inside the caller's transaction. When the version guard fails, the agent's own columns
 * (and its version bump) are written all the same, and the ticket is left stale for a recomputation.
 */
export async function writeComputation(
  trx: Knex.Transaction,
  deps: StoreDeps,
  c: TicketComputation,
  nextDueAt: Date | null,
  extra: StoreExtra = {},
): Promise<boolean> {
  const { state, plan, ticket } = c;
  const utc = (d: Date | null) => (d ? instantToUtc(d) : null);
  const bump = extra.versionBump ?? 0;
  const values = userFieldValues(c, deps);
  const signature = Object.values(values)
    .map((v) => v ?? '')
    .join('|')
    .slice(0, 64);
  const ufChanged = Object.keys(values).length > 0 && signature !== ticket.uf_state;
  const updated = await trx('bl_support_ticket')
    .where({ id: ticket.id, sla_version: ticket.sla_version })
    .update({
      ...extra.columns,
      first_reply_deadline: utc(c.stored.firstReply),
      sla_deadline: utc(c.stored.resolution),
      paused_minutes: Math.round(state.pausedMinutes),
      sla_paused: state.paused ? 1 : 0,
      sla_episode: state.episode,
      first_reply_breached: plan.firstReplyBreached ? 1 : 0,
      resolution_breached: plan.resolutionBreached ? 1 : 0,
      next_due_at: utc(nextDueAt),
      sla_version: trx.raw('sla_version + ?', [bump]),
      sla_stale: 0,
      ...(ufChanged ? { uf_state: signature } : {}),
    });
  if (updated !== 1) {
    if (extra.columns || bump > 0) {
      await trx('bl_support_ticket')
        .where({ id: ticket.id })
        .update({ ...extra.columns, sla_version: trx.raw('sla_version + ?', [bump]), sla_stale: 1 });
    }
    return false;
  }
  if (ufChanged) await upsertUserFieldValues(trx, ticket.id, values);
  return true;
}

/**
 * UF_SLA_DEADLINE: the deadline operators must meet next: the first reply's until someone answered,
 * then the resolution's; empty while the clock is stopped (paused, closed).
 */
export function userFieldValues(c: TicketComputation, deps: StoreDeps): Record<string, string | null> {
  const { state } = c;
  const values: Record<string, string | null> = {};
  if (deps.userFields.has('UF_SLA_DEADLINE')) {
    const deadline = state.closed
      ? null
      : state.firstReplyAt === null
        ? state.firstReplyDeadline
        : state.paused
          ? null
          : state.resolutionDeadline;
    values.UF_SLA_DEADLINE = deadline ? instantToNative(deadline, deps.zone) : null;
  }
  if (deps.userFields.has('UF_TICKET_NUMBER')) values.UF_TICKET_NUMBER = c.ticket.number;
  return values;
}

/** The next_due_at to store when nothing is acted on now: due points first, then the plan's next. */
export function pendingDueAt(c: TicketComputation): Date | null {
  return c.plan.due[0]?.at ?? c.plan.nextDueAt;
}
