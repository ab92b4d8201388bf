import { EscalationLevel, EscalationTarget } from '../escalationConfig';
import { SlaState } from '../../sla/slaTypes';
import { FiredEscalation } from '../../store/escalations';

/**
 * What the agent should do for one ticket at `now`: pure, from the SLA state, the configured levels and
 * the escalations already recorded.
 *
 * The "once" key is ticket + target + level + cycle, where cycle = the ticket's reopen count. Not a
 * count that grows with every staff reply (a breached resolution target would fire again after each
 * operator message) and not the deadline (a raised priority moves it, and the breach would
 * cascade into a second raise). A reopen starts a new cycle: the customer is back, every level re-arms.
 *
 * - A point is the warning instant (on: warning) or the deadline plus afterMinutes (on: breach). Once a
 *   breach level has fired, later breach levels count from the deadline it fired for, so a priority
 *   raised by that breach does not pull "breach + N hours" forward.
 * - Only running clocks fire: nothing during a pause, after a close, or after the first reply (first
 *   reply target). Points fall in working time because the deadlines are working-time instants.
 * - A warning whose target is already breached is superseded: recorded, never sent late.
 * - A point before `installedAt` is baseline: recorded, not acted on (the install digest lists them).
 */
export interface EscalationPoint {
  target: EscalationTarget;
  level: EscalationLevel;
  cycle: number;
  at: Date;
  deadline: Date | null;
  outcome: 'apply' | 'baseline' | 'superseded';
}

export interface EscalationPlan {
  /** Points reached and not yet recorded, in time order. */
  due: EscalationPoint[];
  /** The earliest later point (or deadline), for next_due_at once `due` is done. */
  nextDueAt: Date | null;
  firstReplyBreached: boolean;
  resolutionBreached: boolean;
}

const TARGET_KEYS = {
  first_reply: { deadline: 'firstReplyDeadline', warning: 'firstReplyWarningAt', doneAt: 'firstReplyAt' },
  resolution: { deadline: 'resolutionDeadline', warning: 'resolutionWarningAt', doneAt: 'resolvedAt' },
} as const;

export function planEscalations(
  state: SlaState,
  levels: readonly EscalationLevel[],
  fired: readonly FiredEscalation[],
  now: Date,
  installedAt: Date | null,
): EscalationPlan {
  const cycle = state.reopenCount;
  const t = now.getTime();
  const running: Record<EscalationTarget, boolean> = {
    first_reply: !state.closed && state.firstReplyAt === null,
    resolution: !state.closed && !state.paused,
  };
  const due: EscalationPoint[] = [];
  const later: Date[] = [];
  for (const target of ['first_reply', 'resolution'] as const) {
    const keys = TARGET_KEYS[target];
    const deadline = state[keys.deadline];
    if (!running[target]) continue;
    if (deadline && deadline.getTime() > t) later.push(deadline);
    const mine = fired.filter((f) => f.target === target && f.cycle === cycle);
    const breachBase = earliest(
      mine
        .filter((f) => levels.some((l) => l.name === f.level && l.on === 'breach' && l.afterMinutes === 0))
        .map((f) => f.dueAt),
    );
    for (const level of levels) {
      if (!level.targets.includes(target) || mine.some((f) => f.level === level.name)) continue;
      const base = level.on === 'warning' ? state[keys.warning] : (breachBase ?? deadline);
      if (!base) continue;
      const at = new Date(base.getTime() + (level.on === 'breach' ? level.afterMinutes * 60_000 : 0));
      if (at.getTime() > t) {
        later.push(at);
        continue;
      }
      const breached = deadline !== null && deadline.getTime() <= t;
      const outcome =
        installedAt && at < installedAt
          ? 'baseline'
          : level.on === 'warning' && breached
            ? 'superseded'
            : 'apply';
      due.push({ target, level, cycle, at, deadline, outcome });
    }
  }
  due.sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a) - rank(b));
  return {
    due,
    nextDueAt: earliest(later),
    firstReplyBreached: missed(state.firstReplyDeadline, state.firstReplyAt, now),
    resolutionBreached: missed(state.resolutionDeadline, state.resolvedAt, now),
  };
}

/** A target is missed once its time is used up: done at the deadline instant is late. */
function missed(deadline: Date | null, doneAt: Date | null, now: Date): boolean {
  return deadline !== null && (doneAt ?? now).getTime() >= deadline.getTime();
}

function rank(p: EscalationPoint): number {
  return (p.level.on === 'warning' ? 0 : 1) * 1e9 + p.level.afterMinutes;
}

function earliest(dates: Date[]): Date | null {
  return dates.reduce<Date | null>((min, d) => (min === null || d < min ? d : min), null);
}
