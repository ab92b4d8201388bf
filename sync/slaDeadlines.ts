import { computeSla, DEFAULT_SLA_POLICY, SlaPolicy } from '../escalator/slaPolicy';
import type { Priority } from '../escalator/slaTypes';

/**
 * A new mirror row's first SLA deadlines, before its history is known: the SLA engine (computeSla) on
 * a history of one `created` event, with the default policy. The real values, from the configured
 * policy (business calendars, category overrides, pauses) over the ticket's whole history, are stored
 * by the SLA refresh at the end of the same sync pass (escalator/state/refreshSla.ts), which owns these
 * columns from then on: the sync writes them on insert only.
 */
export type { Priority };

export interface SlaInput {
  /** When the ticket was created (an instant, not site-local wall-clock time). */
  createdAt: Date;
  priority: Priority;
  /** Our category label (dictionary SID, else NAME). */
  category: string | null;
}

export interface SlaDeadlines {
  firstReplyDeadline: Date;
  resolutionDeadline: Date;
}

/** Minutes to the first reply / to resolution, by priority (4 critical … 1 low): the engine's defaults. */
export const SLA_TARGET_MINUTES: Record<Priority, { firstReply: number; resolution: number }> = {
  4: targets(4),
  3: targets(3),
  2: targets(2),
  1: targets(1),
};

function targets(p: Priority): { firstReply: number; resolution: number } {
  const t = DEFAULT_SLA_POLICY.targets[p];
  return { firstReply: t.firstReplyMinutes, resolution: t.resolutionMinutes };
}

const DEFAULT_POLICY = SlaPolicy.from(DEFAULT_SLA_POLICY);

export function computeSlaDeadlines(input: SlaInput): SlaDeadlines {
  const state = computeSla(
    [{ at: input.createdAt, kind: 'created', priority: input.priority, category: input.category }],
    DEFAULT_POLICY,
  );
  // A clock that has just started always projects its deadlines.
  return { firstReplyDeadline: state.firstReplyDeadline!, resolutionDeadline: state.resolutionDeadline! };
}
