/**
 * The SLA policy: deadlines from a ticket's history. Pure: no database, no clock. Every function takes
 * instants and returns instants; "now" is never read: a state is as of its last event (`asOf`).
 *
 * Semantics (all times are working time of the ticket's calendar, see BusinessCalendar):
 * - First reply: the clock runs from creation until the first visible staff reply, which stops it for
 *   good. Closing stops it too (a ticket closed unanswered has no first-reply target); a reopen
 *   without any reply yet starts it again. Pause statuses do not stop it: a customer cannot be
 *   "waiting" before anyone has answered.
 * - Resolution: the clock runs from creation while the ticket is open and not paused. Paused = the
 *   status is one of `pauseStatuses`, and/or (with `pauseWhenStaffSpokeLast`) staff wrote last. A
 *   customer message restarts it, even when nobody changed the pause status back: the customer has
 *   answered what we were waiting for. Setting a pause status again pauses again.
 * - Close stops both clocks. Reopen starts the resolution clock again from the reopen instant and
 *   keeps the minutes used before the close (a reopened ticket was not resolved, so its time
 *   counts); a reopen also lifts any pause.
 * - Priority and category are applied retroactively: a deadline is the instant at which the ticket's
 *   accumulated running minutes reach the target of its CURRENT priority and category, on the current
 *   category's calendar. Raising the priority brings the deadline closer, possibly into the past (then
 *   it is the past instant when the new target was reached); lowering it pushes the deadline out.
 * - A warning is the same computation at `warningPercent`% of the target.
 * - A deadline or warning is the instant the threshold is (or was) reached: a projection while the
 *   clock runs, the historical instant once reached, null while the clock is stopped short of it
 *   (so resolutionDeadline is null while paused or closed, unless the target was already missed).
 *   A target is missed once its time is used up: a reply at the deadline instant is late.
 * - Episode: +1 on each staff reply and each reopen (the escalator does not key on it: it fires once
 *   per reopen cycle, see escalator/agent/plan.ts).
 * - nextDueAt is the earliest warning or deadline of a running clock, even a past one (a raised
 *   priority can create a past deadline that must still fire); the agent's plan decides what is due.
 */
import { BusinessCalendar } from './calendar';
import { SlaPolicy } from './slaMatrix';
import { Run, foldHistory } from './slaHistory';
import { SlaEvent, SlaPolicyConfig, SlaState, SlaTarget } from './slaTypes';
import { MINUTE_MS } from './wallClock';

/** Build the SlaPolicy once and pass it in: a plain config is validated (and its calendars built) per call. */
export function computeSla(events: readonly SlaEvent[], policy: SlaPolicy | SlaPolicyConfig): SlaState {
  const p = policy instanceof SlaPolicy ? policy : SlaPolicy.from(policy);
  const h = foldHistory(events, p);
  const calendar = p.calendarFor(h.category);
  const targets = p.targetsFor(h.priority, h.category);
  const share = p.warningPercent / 100;
  const firstReply = thresholds(calendar, h.firstReply, targets.firstReplyMinutes, share, h.asOf);
  const resolution = thresholds(calendar, h.resolution, targets.resolutionMinutes, share, h.asOf);
  const openPause = h.pauses.find((r) => r.to === null);
  const state: SlaState = {
    createdAt: new Date(h.createdAt),
    asOf: new Date(h.asOf),
    priority: h.priority,
    category: h.category,
    targets,
    firstReplyAt: toDate(h.firstReplyAt),
    firstReplyDeadline: firstReply.deadline,
    firstReplyWarningAt: firstReply.warningAt,
    firstReplyElapsedMinutes: firstReply.elapsedMinutes,
    resolutionDeadline: resolution.deadline,
    resolutionWarningAt: resolution.warningAt,
    resolutionElapsedMinutes: resolution.elapsedMinutes,
    paused: h.paused,
    pausedSince: toDate(openPause?.from ?? null),
    pausedMinutes: elapsedMs(calendar, h.pauses, h.asOf) / MINUTE_MS,
    closed: h.closed,
    resolvedAt: toDate(h.resolvedAt),
    reopenCount: h.reopenCount,
    nextDueAt: null,
  };
  state.nextDueAt = earliest(dueInstants(state));
  return state;
}

function running(state: SlaState): Record<SlaTarget, boolean> {
  return {
    firstReply: !state.closed && state.firstReplyAt === null,
    resolution: !state.closed && !state.paused,
  };
}

function dueInstants(state: SlaState): Date[] {
  const run = running(state);
  const all = [
    ...(run.firstReply ? [state.firstReplyWarningAt, state.firstReplyDeadline] : []),
    ...(run.resolution ? [state.resolutionWarningAt, state.resolutionDeadline] : []),
  ];
  return all.filter((d): d is Date => d !== null);
}

function earliest(dates: Date[]): Date | null {
  return dates.reduce<Date | null>((min, d) => (min === null || d < min ? d : min), null);
}

function thresholds(
  calendar: BusinessCalendar,
  runs: Run[],
  targetMinutes: number,
  share: number,
  asOf: number,
) {
  return {
    deadline: toDate(reachedAt(calendar, runs, Math.round(targetMinutes * MINUTE_MS))),
    warningAt: toDate(reachedAt(calendar, runs, Math.round(targetMinutes * share * MINUTE_MS))),
    elapsedMinutes: elapsedMs(calendar, runs, asOf) / MINUTE_MS,
  };
}

/** When the runs' working time adds up to `targetMs`: in a finished run, or projected in the open one. */
function reachedAt(calendar: BusinessCalendar, runs: Run[], targetMs: number): number | null {
  let used = 0;
  for (const run of runs) {
    const ms = run.to === null ? Infinity : calendar.workingMsBetween(run.from, run.to);
    if (used + ms >= targetMs) return calendar.addWorkingMs(run.from, targetMs - used);
    used += ms;
  }
  return null;
}

function elapsedMs(calendar: BusinessCalendar, runs: Run[], asOf: number): number {
  return runs.reduce((sum, r) => sum + calendar.workingMsBetween(r.from, r.to ?? asOf), 0);
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
