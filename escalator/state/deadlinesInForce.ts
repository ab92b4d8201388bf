import { SlaPolicy } from '../../sla/slaMatrix';
import { computeSla } from '../../sla/slaEngine';
import { SlaEvent, SlaState } from '../../sla/slaTypes';

/**
 * The deadlines to store on the mirror (first_reply_deadline, sla_deadline) for queues and reports.
 * The engine gives no deadline once a clock stopped short of it (answered in time, closed in time): right
 * for escalation, but a report needs the deadline the ticket was held to. So when a clock stopped, the
 * deadline is the one in force just before: the history up to the stopping instant, computed again.
 * While the resolution clock is paused there is none (the pause moves it; the queue shows "paused").
 */
export interface StoredDeadlines {
  firstReply: Date | null;
  resolution: Date | null;
}

export function deadlinesInForce(
  events: readonly SlaEvent[],
  policy: SlaPolicy,
  state: SlaState,
): StoredDeadlines {
  const before = (at: Date | null): SlaState | null => {
    if (at === null) return null;
    // The creation always counts, even when the clock stopped in the same second (a ticket answered
    // or closed as it was created): the deadline is then the one the new ticket was given.
    const created = state.createdAt.getTime();
    const prefix = events.filter(
      (e) =>
        e.at.getTime() < at.getTime() ||
        e.kind === 'created' ||
        (e.at.getTime() <= created &&
          (e.kind === 'category' || e.kind === 'priority' || e.kind === 'status')),
    );
    return prefix.some((e) => e.kind === 'created') ? computeSla(prefix, policy) : null;
  };
  let firstReply = state.firstReplyDeadline;
  if (firstReply === null) {
    const stoppedAt = state.firstReplyAt ?? (state.closed ? state.resolvedAt : null);
    firstReply = before(stoppedAt)?.firstReplyDeadline ?? null;
  }
  let resolution = state.resolutionDeadline;
  if (resolution === null && state.closed) resolution = before(state.resolvedAt)?.resolutionDeadline ?? null;
  return { firstReply, resolution };
}
