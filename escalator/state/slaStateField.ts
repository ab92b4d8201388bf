import { SlaState } from '../../sla/slaTypes';
import { StoredDeadlines } from './deadlinesInForce';

/**
 * The SLA state operators filter and sort by in the Bitrix admin list (UF_SLA_STATE), at one instant.
 * It follows the deadline in force, as UF_SLA_DEADLINE does: the first reply's until someone answered,
 * then the resolution's.
 * - open: `breached` once that deadline passed, `warning` from its warning point, else `on_time`;
 *   `paused` while the resolution clock waits for the customer;
 * - closed: `met` when the first reply and the resolution each came before their deadline, else `breached`.
 * The order of the list is the order of urgency (and of the enumeration's values, so the column sorts so).
 */
export const SLA_STATES = ['breached', 'warning', 'on_time', 'paused', 'met'] as const;
export type SlaStateValue = (typeof SLA_STATES)[number];

export interface SlaStateInput {
  state: SlaState;
  stored: StoredDeadlines;
}

export function slaStateAt({ state, stored }: SlaStateInput, now: Date): SlaStateValue {
  if (state.closed) {
    const replied = state.firstReplyAt ?? state.resolvedAt;
    const late = (deadline: Date | null, at: Date | null) =>
      deadline !== null && at !== null && at.getTime() > deadline.getTime();
    return late(stored.firstReply, replied) || late(stored.resolution, state.resolvedAt) ? 'breached' : 'met';
  }
  const { deadline, warningAt } = inForce(state);
  if (deadline !== null && now.getTime() >= deadline.getTime()) return 'breached';
  if (state.firstReplyAt !== null && state.paused) return 'paused';
  if (warningAt !== null && now.getTime() >= warningAt.getTime()) return 'warning';
  return 'on_time';
}

/** When the state changes next with nothing else happening (a warning point or a deadline), or null. */
export function nextSlaStateChange(input: SlaStateInput, now: Date): Date | null {
  const { state } = input;
  if (state.closed || (state.firstReplyAt !== null && state.paused)) return null;
  const { deadline, warningAt } = inForce(state);
  for (const at of [warningAt, deadline]) if (at !== null && at.getTime() > now.getTime()) return at;
  return null;
}

function inForce(state: SlaState): { deadline: Date | null; warningAt: Date | null } {
  return state.firstReplyAt === null
    ? { deadline: state.firstReplyDeadline, warningAt: state.firstReplyWarningAt }
    : { deadline: state.resolutionDeadline, warningAt: state.resolutionWarningAt };
}
