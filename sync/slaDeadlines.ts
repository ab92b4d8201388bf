import { computeSla } from '../sla/slaEngine';
import { DEFAULT_SLA_POLICY, SlaPolicy } from '../sla/slaMatrix';
import type { Priority } from '../core/ticketVocabulary';

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

const DEFAULT_POLICY = SlaPolicy.from(DEFAULT_SLA_POLICY);

/**
 * A new mirror row's first SLA deadlines, before its history is known: the SLA engine (computeSla) on
 * a history of one `created` event, with the default policy. The real values, from the configured
 * policy (business calendars, category overrides, pauses) over the ticket's whole history, are stored
 * by the SLA refresh at the end of the same sync pass (escalator/state/refreshSla.ts), which owns these
 * columns from then on: the sync writes them on insert only.
 */
export function computeSlaDeadlines(input: SlaInput): SlaDeadlines {
  const span = spanOf(input.priority, input.category);
  if (span === null) return fromEngine(input);
  const at = input.createdAt.getTime();
  return {
    firstReplyDeadline: new Date(at + span.firstReply),
    resolutionDeadline: new Date(at + span.resolution),
  };
}

function fromEngine(input: SlaInput): SlaDeadlines {
  const state = computeSla(
    [{ at: input.createdAt, kind: 'created', priority: input.priority, category: input.category }],
    DEFAULT_POLICY,
  );
  // A clock that has just started always projects its deadlines.
  return { firstReplyDeadline: state.firstReplyDeadline!, resolutionDeadline: state.resolutionDeadline! };
}

/**
 * The default policy's calendar runs around the clock (in UTC), so a new ticket's deadlines are its
 * creation instant plus a span that depends on its priority and category only: the engine is asked once
 * per pair instead of once per ticket (a backfill maps 100,000 of them). It is asked at two instants,
 * a Monday at midnight and a Saturday afternoon with milliseconds; if their spans differ (a default with
 * working hours), the pair goes to the engine every time.
 */
export type Span = { firstReply: number; resolution: number };
const PROBES = [new Date('2024-01-01T00:00:00Z'), new Date('2024-07-06T13:37:11.123Z')];
const spans = new Map<Priority, Map<string | null, Span | null>>();

/** Null: the pair's deadlines depend on the creation instant (working hours), not a fixed span. */
export function spanOf(priority: Priority, category: string | null): Span | null {
  const byCategory = spans.get(priority) ?? new Map<string | null, Span | null>();
  spans.set(priority, byCategory);
  if (!byCategory.has(category)) {
    const [a, b] = PROBES.map((createdAt) => {
      const d = fromEngine({ createdAt, priority, category });
      const at = createdAt.getTime();
      return {
        firstReply: d.firstReplyDeadline.getTime() - at,
        resolution: d.resolutionDeadline.getTime() - at,
      };
    });
    byCategory.set(category, a.firstReply === b.firstReply && a.resolution === b.resolution ? a : null);
  }
  return byCategory.get(category)!;
}
