/**
 * The SLA targets of a ticket, fixed at creation and recomputed only when its priority (or category)
 * changes. One pure function on purpose: a business-calendar engine (working hours, holidays) will
 * replace the arithmetic here without the sync knowing. Today the targets run in elapsed time, added
 * to the creation instant, so they are DST-safe by construction.
 */
export type Priority = 1 | 2 | 3 | 4;

export interface SlaInput {
  /** When the ticket was created (an instant, not site-local wall-clock time). */
  createdAt: Date;
  priority: Priority;
  /** Our category label (dictionary SID, else NAME); unused until per-category policies exist. */
  category: string | null;
}

export interface SlaDeadlines {
  firstReplyDeadline: Date;
  resolutionDeadline: Date;
}

/** Minutes to the first reply / to resolution, by priority (4 critical … 1 low). */
export const SLA_TARGET_MINUTES: Record<Priority, { firstReply: number; resolution: number }> = {
  4: { firstReply: 60, resolution: 240 },
  3: { firstReply: 240, resolution: 1440 },
  2: { firstReply: 480, resolution: 2880 },
  1: { firstReply: 1440, resolution: 5760 },
};

const MINUTE_MS = 60_000;

export function computeSlaDeadlines(input: SlaInput): SlaDeadlines {
  const target = SLA_TARGET_MINUTES[input.priority] ?? SLA_TARGET_MINUTES[2];
  const created = input.createdAt.getTime();
  return {
    firstReplyDeadline: new Date(created + target.firstReply * MINUTE_MS),
    resolutionDeadline: new Date(created + target.resolution * MINUTE_MS),
  };
}
