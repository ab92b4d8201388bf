import { BusinessCalendar } from '../sla/calendar';
import { BusinessClock } from './businessClock';
import { Priority, priorityName } from '../core/ticketVocabulary';
import { GroupAccumulator, TicketNumbers } from './groupAccumulator';
import { FIRST_REPLY_BINS, Histogram } from './histogram';
import { LocalWeeks } from './localWeek';
import { DurationCounts } from './durationCounts';
import {
  GroupStats,
  HistogramBin,
  OperatorStats,
  ReportDimension,
  ReportWindow,
  WeekPoint,
} from './reportTypes';
import { firstReplyOutcome, firstReplySpanMs, resolutionOutcome, resolutionSpanMs } from './slaOutcome';
import { TicketFact } from './ticketFacts';

const MINUTE_MS = 60_000;

interface OperatorTally {
  handled: number;
  firstReplies: number;
  frWall: DurationCounts;
  frBiz: DurationCounts;
  breaches: number;
}

export interface AggregateResult {
  totals: GroupStats;
  groups: GroupStats[] | null;
  weekly: WeekPoint[];
  firstReplyDistribution: HistogramBin[];
  /** Keyed by operator ID ('none' for unassigned); names are looked up afterwards. */
  operators: Map<number | null, Omit<OperatorStats, 'name'>>;
}

/**
 * Folds ticket facts into every figure of the report in one pass. Pure: the calendar, "now" and the
 * window are given, so the same facts always give the same report.
 */
export class ReportAggregator {
  private readonly totals = new GroupAccumulator('all', 'all tickets', true);
  private readonly groups = new Map<string, GroupAccumulator>();
  private readonly weeks = new Map<number, GroupAccumulator>();
  private readonly operators = new Map<number | null, OperatorTally>();
  private readonly distribution = new Histogram(FIRST_REPLY_BINS);
  private readonly localWeeks: LocalWeeks;
  private readonly clock: BusinessClock;

  constructor(
    calendar: BusinessCalendar,
    private readonly window: ReportWindow,
    private readonly nowMs: number,
    private readonly dimension: ReportDimension | null,
  ) {
    this.localWeeks = new LocalWeeks(window.zone);
    this.clock = new BusinessClock(calendar);
  }

  add(fact: TicketFact): void {
    const n = this.numbers(fact);
    this.totals.add(n);
    const monday = this.localWeeks.mondayOf(fact.createdMs);
    this.groupFor(this.weeks, monday, () => String(monday), false).add(n);
    if (this.dimension) {
      const key = this.groupKey(fact, monday);
      this.groupFor(this.groups, key, () => key, true).add(n);
    }
    if (n.firstReplyBusiness !== null) this.distribution.add(n.firstReplyBusiness);
    this.addOperator(fact.assignedTo, n);
  }

  finish(): AggregateResult {
    return {
      totals: this.totals.result(),
      groups: this.dimension ? this.sortedGroups() : null,
      weekly: this.weekly(),
      firstReplyDistribution: this.distribution.result(),
      operators: new Map(
        [...this.operators].map(([id, t]) => [
          id,
          {
            operatorId: id,
            ticketsHandled: t.handled,
            firstReplies: t.firstReplies,
            medianFirstReplyMinutes: t.frWall.summary().median,
            medianFirstReplyBusinessMinutes: t.frBiz.summary().median,
            breaches: t.breaches,
          },
        ]),
      ),
    };
  }

  private numbers(f: TicketFact): TicketNumbers {
    const fr = firstReplySpanMs(f);
    const res = resolutionSpanMs(f);
    const business = (span: number | null): number | null =>
      span === null ? null : this.clock.between(f.createdMs, f.createdMs + span) / MINUTE_MS;
    return {
      firstReplyWall: fr === null ? null : fr / MINUTE_MS,
      firstReplyBusiness: business(fr),
      resolutionWall: res === null ? null : res / MINUTE_MS,
      resolutionBusiness: business(res),
      firstReplyOutcome: firstReplyOutcome(f, this.nowMs),
      resolutionOutcome: resolutionOutcome(f, this.nowMs),
      reopened: f.reopenCount > 0,
      everResolved: f.resolvedMs !== null || f.reopenCount > 0,
      orderLinked: f.orderLinked,
    };
  }

  private groupKey(f: TicketFact, monday: number): string {
    switch (this.dimension) {
      case 'category':
        return f.category ?? '';
      case 'operator':
        return f.assignedTo === null ? 'none' : String(f.assignedTo);
      case 'priority':
        return String(f.priority);
      case 'site':
        return f.siteId;
      case 'week':
      default:
        return String(monday);
    }
  }

  private groupFor<K>(
    map: Map<K, GroupAccumulator>,
    key: K,
    name: () => string,
    samples: boolean,
  ): GroupAccumulator {
    let group = map.get(key);
    if (!group) {
      group = new GroupAccumulator(name(), name(), samples);
      map.set(key, group);
    }
    return group;
  }

  private addOperator(id: number | null, n: TicketNumbers): void {
    let t = this.operators.get(id);
    if (!t) {
      t = {
        handled: 0,
        firstReplies: 0,
        frWall: new DurationCounts(),
        frBiz: new DurationCounts(),
        breaches: 0,
      };
      this.operators.set(id, t);
    }
    t.handled++;
    if (n.firstReplyWall !== null) {
      t.firstReplies++;
      t.frWall.add(n.firstReplyWall);
      if (n.firstReplyBusiness !== null) t.frBiz.add(n.firstReplyBusiness);
    }
    if (n.firstReplyOutcome === 'breached' || n.resolutionOutcome === 'breached') t.breaches++;
  }

  private sortedGroups(): GroupStats[] {
    const groups = [...this.groups.values()].map((g) => {
      if (this.dimension === 'week') {
        const { weekStart, label } = this.localWeeks.describe(Number(g.key));
        return { ...g.result(), key: weekStart, label };
      }
      const result = g.result();
      if (this.dimension === 'priority') {
        result.label = `${result.key} ${priorityName(Number(result.key) as Priority) ?? ''}`.trim();
      } else if (this.dimension === 'category' && result.key === '') {
        result.label = '(no category)';
      }
      return result;
    });
    const byKey = (a: GroupStats, b: GroupStats): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    if (this.dimension === 'week' || this.dimension === 'site') return groups.sort(byKey);
    if (this.dimension === 'priority') return groups.sort((a, b) => Number(b.key) - Number(a.key));
    return groups.sort((a, b) => b.tickets - a.tickets || byKey(a, b));
  }

  /** Every week the window touches, with zero-ticket weeks included so a chart has no silent gaps. */
  private weekly(): WeekPoint[] {
    const first = this.localWeeks.mondayOf(this.window.from.getTime());
    const last = this.localWeeks.mondayOf(this.window.to.getTime() - 1);
    const points: WeekPoint[] = [];
    for (let monday = first; monday <= last; monday += 7) {
      const stats = (this.weeks.get(monday) ?? new GroupAccumulator('', '', false)).result();
      points.push({
        ...this.localWeeks.describe(monday),
        tickets: stats.tickets,
        firstReplyCompliance: stats.firstReplyCompliance,
        resolutionCompliance: stats.resolutionCompliance,
      });
    }
    return points;
  }
}
