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

/** `nextDueAt`: the plan's, or an earlier point still to be acted on (a failed or baseline pass). */
export async function storeComputation(
  db: Knex,
  deps: StoreDeps,
  c: TicketComputation,
  nextDueAt: Date | null,
): Promise<boolean> {
  const { state, plan, ticket } = c;
  const utc = (d: Date | null) => (d ? instantToUtc(d) : null);
  return db.transaction(async (trx) => {
    const updated = await trx('bl_support_ticket')
      .where({ id: ticket.id, sla_version: ticket.sla_version })
      .update({
        first_reply_deadline: utc(c.stored.firstReply),
        sla_deadline: utc(c.stored.resolution),
        paused_minutes: Math.round(state.pausedMinutes),
        sla_paused: state.paused ? 1 : 0,
        sla_episode: state.episode,
        first_reply_breached: plan.firstReplyBreached ? 1 : 0,
        resolution_breached: plan.resolutionBreached ? 1 : 0,
        next_due_at: utc(nextDueAt),
        sla_stale: 0,
      });
    if (updated !== 1) return false;
    const values = userFieldValues(c, deps);
    const signature = Object.values(values)
      .map((v) => v ?? '')
      .join('|');
    if (Object.keys(values).length > 0 && signature !== ticket.uf_state) {
      await upsertUserFieldValues(trx, ticket.id, values);
      await trx('bl_support_ticket')
        .where({ id: ticket.id })
        .update({ uf_state: signature.slice(0, 64) });
    }
    return true;
  });
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
