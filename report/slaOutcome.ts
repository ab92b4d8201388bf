import { TicketFact } from './ticketFacts';

export type Outcome = 'met' | 'breached' | 'pending' | 'none';

/**
 * Whether a ticket met its first-reply and resolution deadlines, as of `nowMs`.
 *
 * - First reply: the clock stops at the first reply or, for a ticket closed without one, at the close.
 *   Met when it stopped at or before the deadline (a reply in the deadline's own second is in time).
 * - Resolution: the clock stops when the ticket is closed (resolved_at; a reopened ticket runs again).
 * - A running clock past its deadline is already a breach; before it, pending.
 * - No deadline: no outcome ('none'), the ticket is left out of that compliance figure.
 * - A breach the escalation agent recorded (its first_reply_breached / resolution_breached flags)
 *   counts even when the deadline was later moved (priority lowered after the breach).
 */
export function firstReplyOutcome(f: TicketFact, nowMs: number): Outcome {
  const stop = f.firstReplyMs ?? (f.isOpen ? null : f.resolvedMs);
  return decide(f.firstReplyDeadlineMs, stop, f.isOpen, nowMs, f.firstReplyBreached);
}

export function resolutionOutcome(f: TicketFact, nowMs: number): Outcome {
  const stop = f.isOpen ? null : f.resolvedMs;
  return decide(f.slaDeadlineMs, stop, f.isOpen, nowMs, f.resolutionBreached);
}

function decide(
  deadline: number | null,
  stop: number | null,
  running: boolean,
  nowMs: number,
  flagged: boolean | null,
): Outcome {
  if (deadline === null) return flagged ? 'breached' : 'none';
  let outcome: Outcome;
  if (stop !== null) outcome = stop <= deadline ? 'met' : 'breached';
  else if (running) outcome = nowMs > deadline ? 'breached' : 'pending';
  else outcome = 'none';
  return flagged && outcome !== 'breached' ? 'breached' : outcome;
}

/** Milliseconds from creation to the first reply, never negative (clock skew between hosts). */
export function firstReplySpanMs(f: TicketFact): number | null {
  return f.firstReplyMs === null ? null : Math.max(0, f.firstReplyMs - f.createdMs);
}

/** Milliseconds from creation to the close; null while open (a reopened ticket is open again). */
export function resolutionSpanMs(f: TicketFact): number | null {
  return f.isOpen || f.resolvedMs === null ? null : Math.max(0, f.resolvedMs - f.createdMs);
}
